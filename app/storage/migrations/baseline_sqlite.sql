-- The schema made by commit 544ac32 (archive and UWS job tables) on SQLite: the baseline revision.
-- Written by tests/storage/make_legacy_dumps.py from the DDL that code ran; every statement creates only what is missing.
-- Statements end with ';' and a blank line; none has a blank line inside.

CREATE TABLE IF NOT EXISTS main."ObsCore" (
	obscore_id INTEGER NOT NULL,
	obs_collection VARCHAR(128) NOT NULL,
	dataproduct_type VARCHAR(128),
	dataproduct_subtype VARCHAR(64),
	calib_level INTEGER NOT NULL,
	lsst_band VARCHAR(10),
	s_ra DOUBLE,
	s_dec DOUBLE,
	em_min DOUBLE,
	em_max DOUBLE,
	lsst_tract BIGINT,
	lsst_patch BIGINT,
	lsst_filter VARCHAR(10),
	lsst_visit BIGINT,
	lsst_detector BIGINT,
	instrument_name VARCHAR(128),
	t_min DOUBLE,
	t_max DOUBLE,
	t_exptime DOUBLE,
	s_fov DOUBLE,
	obs_id VARCHAR(128) NOT NULL,
	o_ucd VARCHAR(32),
	facility_name VARCHAR(128),
	obs_title VARCHAR(256),
	s_region TEXT,
	access_url TEXT,
	access_format VARCHAR(128),
	access_estsize BIGINT,
	obs_publisher_did VARCHAR(128) NOT NULL,
	target_name VARCHAR(32),
	s_resolution DOUBLE,
	s_xel1 BIGINT,
	s_xel2 BIGINT,
	t_resolution DOUBLE,
	t_xel BIGINT,
	pol_states TEXT,
	pol_xel BIGINT,
	em_xel BIGINT,
	em_res_power DOUBLE,
	PRIMARY KEY (obscore_id)
);

CREATE INDEX IF NOT EXISTS main.obscore_lsst_patch_idx ON "ObsCore" (lsst_patch);

CREATE INDEX IF NOT EXISTS main.obscore_lsst_band_idx ON "ObsCore" (lsst_band);

CREATE INDEX IF NOT EXISTS main.obscore_t_min_idx ON "ObsCore" (t_min);

CREATE INDEX IF NOT EXISTS main.obscore_lsst_visit_idx ON "ObsCore" (lsst_visit);

CREATE UNIQUE INDEX IF NOT EXISTS main.obscore_publisher_did_idx ON "ObsCore" (obs_publisher_did);

CREATE INDEX IF NOT EXISTS main.obscore_dataproduct_subtype_idx ON "ObsCore" (dataproduct_subtype);

CREATE INDEX IF NOT EXISTS main.obscore_calib_level_idx ON "ObsCore" (calib_level);

CREATE INDEX IF NOT EXISTS main.obscore_obs_id_idx ON "ObsCore" (obs_id);

CREATE INDEX IF NOT EXISTS main.obscore_lsst_detector_idx ON "ObsCore" (lsst_detector);

CREATE INDEX IF NOT EXISTS main.obscore_t_max_idx ON "ObsCore" (t_max);

CREATE INDEX IF NOT EXISTS main.obscore_lsst_tract_idx ON "ObsCore" (lsst_tract);

CREATE TABLE IF NOT EXISTS main.schemas (
	schema_name VARCHAR(64) NOT NULL,
	utype VARCHAR(512),
	description VARCHAR(512),
	schema_index INTEGER
);

CREATE TABLE IF NOT EXISTS main.tables (
	schema_name VARCHAR(64) NOT NULL,
	table_name VARCHAR(128) NOT NULL,
	table_type VARCHAR(8) NOT NULL,
	utype VARCHAR(512),
	description VARCHAR(512),
	table_index INTEGER
);

CREATE TABLE IF NOT EXISTS main.columns (
	table_name VARCHAR(128) NOT NULL,
	column_name VARCHAR(64) NOT NULL,
	utype VARCHAR(512),
	ucd VARCHAR(64),
	unit VARCHAR(64),
	description VARCHAR(512),
	datatype VARCHAR(64) NOT NULL,
	arraysize VARCHAR(16),
	xtype VARCHAR(64),
	size INTEGER,
	principal INTEGER,
	"indexed" INTEGER,
	std INTEGER,
	column_index INTEGER
);

CREATE TABLE IF NOT EXISTS main.keys (
	key_id VARCHAR(64) NOT NULL,
	from_table VARCHAR(128) NOT NULL,
	target_table VARCHAR(128) NOT NULL,
	utype VARCHAR(512),
	description VARCHAR(512)
);

CREATE TABLE IF NOT EXISTS main.key_columns (
	key_id VARCHAR(64) NOT NULL,
	from_column VARCHAR(64) NOT NULL,
	target_column VARCHAR(64) NOT NULL
);

CREATE VIRTUAL TABLE IF NOT EXISTS obscore_rtree USING rtree(id, xmin, xmax, ymin, ymax, zmin, zmax);

CREATE TRIGGER IF NOT EXISTS obscore_rtree_delete AFTER DELETE ON "ObsCore" BEGIN DELETE FROM obscore_rtree WHERE id = old.obscore_id; END;

CREATE TABLE IF NOT EXISTS main.uws_job (
	job_id TEXT NOT NULL,
	owner TEXT,
	phase TEXT NOT NULL,
	run_id TEXT,
	creation_time DATETIME NOT NULL,
	start_time DATETIME,
	end_time DATETIME,
	execution_duration INTEGER NOT NULL,
	destruction_time DATETIME,
	quote DATETIME,
	error_type TEXT,
	error_message TEXT,
	error_detail TEXT,
	lease_until DATETIME,
	attempt INTEGER DEFAULT '0' NOT NULL,
	PRIMARY KEY (job_id),
	CONSTRAINT uws_job_error_type CHECK (error_type IS NULL OR error_type IN ('transient', 'fatal'))
);

CREATE INDEX IF NOT EXISTS main.uws_job_owner_creation ON uws_job (owner, creation_time);

CREATE INDEX IF NOT EXISTS main.uws_job_destruction ON uws_job (destruction_time);

CREATE TABLE IF NOT EXISTS main.uws_job_parameter (
	job_id TEXT NOT NULL,
	position INTEGER NOT NULL,
	name TEXT NOT NULL,
	value TEXT NOT NULL,
	by_reference BOOLEAN DEFAULT 0 NOT NULL,
	PRIMARY KEY (job_id, position),
	FOREIGN KEY(job_id) REFERENCES uws_job (job_id) ON DELETE CASCADE
);

CREATE TABLE IF NOT EXISTS main.uws_job_result (
	job_id TEXT NOT NULL,
	position INTEGER NOT NULL,
	result_id TEXT NOT NULL,
	href TEXT NOT NULL,
	size BIGINT,
	mime_type TEXT,
	PRIMARY KEY (job_id, position),
	CONSTRAINT uws_job_result_id UNIQUE (job_id, result_id),
	FOREIGN KEY(job_id) REFERENCES uws_job (job_id) ON DELETE CASCADE
);

