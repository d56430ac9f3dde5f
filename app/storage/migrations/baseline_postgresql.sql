-- The schema made by commit 544ac32 (archive and UWS job tables) on PostgreSQL: the baseline revision.
-- Written by tests/storage/make_legacy_dumps.py from the DDL that code ran; every statement creates only what is missing.
-- Statements end with ';' and a blank line; none has a blank line inside.

CREATE EXTENSION IF NOT EXISTS pg_sphere;

CREATE SCHEMA IF NOT EXISTS ivoa;

CREATE SCHEMA IF NOT EXISTS tap_schema;

CREATE SCHEMA IF NOT EXISTS obscura;

CREATE OR REPLACE FUNCTION obscura.stcs_spoly(region text) RETURNS spoly
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT ('{' || string_agg(format('(%sd,%sd)', c[i], c[i + 1]), ',' ORDER BY i) || '}')::spoly
  FROM regexp_split_to_array(
         btrim(regexp_replace(region, '^\s*polygon\s+(icrs\s+)?', '', 'i')), '\s+') AS c,
       generate_series(1, array_length(c, 1) - 1, 2) AS i
$$;

CREATE OR REPLACE FUNCTION obscura.spoly_centroid(polygon spoly) RETURNS spoint
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT spoint(atan2(sum(cos(lat(v)) * sin(long(v))), sum(cos(lat(v)) * cos(long(v)))),
                atan2(sum(sin(lat(v))), sqrt(sum(cos(lat(v)) * cos(long(v))) ^ 2
                                             + sum(cos(lat(v)) * sin(long(v))) ^ 2)))
  FROM (SELECT spoint(polygon::text::spath, i) AS v
        FROM generate_series(1, npoints(polygon)) AS i) AS vertices
$$;

CREATE TABLE IF NOT EXISTS ivoa."ObsCore" (
	obscore_id BIGSERIAL NOT NULL,
	obs_collection VARCHAR(128) NOT NULL,
	dataproduct_type VARCHAR(128),
	dataproduct_subtype VARCHAR(64),
	calib_level INTEGER NOT NULL,
	lsst_band VARCHAR(10),
	s_ra DOUBLE PRECISION,
	s_dec DOUBLE PRECISION,
	em_min DOUBLE PRECISION,
	em_max DOUBLE PRECISION,
	lsst_tract BIGINT,
	lsst_patch BIGINT,
	lsst_filter VARCHAR(10),
	lsst_visit BIGINT,
	lsst_detector BIGINT,
	instrument_name VARCHAR(128),
	t_min DOUBLE PRECISION,
	t_max DOUBLE PRECISION,
	t_exptime DOUBLE PRECISION,
	s_fov DOUBLE PRECISION,
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
	s_resolution DOUBLE PRECISION,
	s_xel1 BIGINT,
	s_xel2 BIGINT,
	t_resolution DOUBLE PRECISION,
	t_xel BIGINT,
	pol_states TEXT,
	pol_xel BIGINT,
	em_xel BIGINT,
	em_res_power DOUBLE PRECISION,
	s_point spoint GENERATED ALWAYS AS (spoint(radians(s_ra), radians(s_dec))) STORED,
	s_poly spoly GENERATED ALWAYS AS (obscura.stcs_spoly(s_region)) STORED,
	PRIMARY KEY (obscore_id)
);

CREATE INDEX IF NOT EXISTS obscore_lsst_detector_idx ON ivoa."ObsCore" (lsst_detector);

CREATE INDEX IF NOT EXISTS obscore_t_min_idx ON ivoa."ObsCore" (t_min);

CREATE INDEX IF NOT EXISTS obscore_t_max_idx ON ivoa."ObsCore" (t_max);

CREATE INDEX IF NOT EXISTS obscore_lsst_visit_idx ON ivoa."ObsCore" (lsst_visit);

CREATE INDEX IF NOT EXISTS obscore_dataproduct_subtype_idx ON ivoa."ObsCore" (dataproduct_subtype);

CREATE UNIQUE INDEX IF NOT EXISTS obscore_publisher_did_idx ON ivoa."ObsCore" (obs_publisher_did);

CREATE INDEX IF NOT EXISTS obscore_calib_level_idx ON ivoa."ObsCore" (calib_level);

CREATE INDEX IF NOT EXISTS obscore_lsst_tract_idx ON ivoa."ObsCore" (lsst_tract);

CREATE INDEX IF NOT EXISTS obscore_lsst_patch_idx ON ivoa."ObsCore" (lsst_patch);

CREATE INDEX IF NOT EXISTS obscore_s_poly_idx ON ivoa."ObsCore" USING gist (s_poly);

CREATE INDEX IF NOT EXISTS obscore_obs_id_idx ON ivoa."ObsCore" (obs_id);

CREATE INDEX IF NOT EXISTS obscore_s_point_idx ON ivoa."ObsCore" USING gist (s_point);

CREATE INDEX IF NOT EXISTS obscore_lsst_band_idx ON ivoa."ObsCore" (lsst_band);

COMMENT ON COLUMN ivoa."ObsCore".obs_collection IS 'Name of the data collection';

COMMENT ON COLUMN ivoa."ObsCore".dataproduct_type IS 'Data product (file content) primary type';

COMMENT ON COLUMN ivoa."ObsCore".dataproduct_subtype IS 'Data product specific type';

COMMENT ON COLUMN ivoa."ObsCore".calib_level IS 'Calibration level of the observation: in {0, 1, 2, 3, 4}';

COMMENT ON COLUMN ivoa."ObsCore".lsst_band IS 'Abstract filter band designation';

COMMENT ON COLUMN ivoa."ObsCore".s_ra IS 'Central Spatial Position in ICRS; Right ascension';

COMMENT ON COLUMN ivoa."ObsCore".s_dec IS 'Central Spatial Position in ICRS; Declination';

COMMENT ON COLUMN ivoa."ObsCore".em_min IS 'start in spectral coordinates';

COMMENT ON COLUMN ivoa."ObsCore".em_max IS 'stop in spectral coordinates';

COMMENT ON COLUMN ivoa."ObsCore".lsst_tract IS 'Upper level of LSST coadd skymap hierarchy';

COMMENT ON COLUMN ivoa."ObsCore".lsst_patch IS 'Lower level of LSST coadd skymap hierarchy';

COMMENT ON COLUMN ivoa."ObsCore".lsst_filter IS 'Physical filter designation from the LSSTCam filter set';

COMMENT ON COLUMN ivoa."ObsCore".lsst_visit IS 'Identifier for a specific LSSTCam pointing';

COMMENT ON COLUMN ivoa."ObsCore".lsst_detector IS 'Identifier for CCD within the LSSTCam focal plane';

COMMENT ON COLUMN ivoa."ObsCore".instrument_name IS 'The name of the instrument used for the observation';

COMMENT ON COLUMN ivoa."ObsCore".t_min IS 'Start time in MJD (UTC)';

COMMENT ON COLUMN ivoa."ObsCore".t_max IS 'Stop time in MJD (UTC)';

COMMENT ON COLUMN ivoa."ObsCore".t_exptime IS 'Total exposure time';

COMMENT ON COLUMN ivoa."ObsCore".s_fov IS 'Estimated size of the covered region as the diameter of a containing circle';

COMMENT ON COLUMN ivoa."ObsCore".obs_id IS 'Internal ID given by the ObsTAP service';

COMMENT ON COLUMN ivoa."ObsCore".o_ucd IS 'Nature of the observable axis';

COMMENT ON COLUMN ivoa."ObsCore".facility_name IS 'The name of the facility, telescope, or space craft used for the observation';

COMMENT ON COLUMN ivoa."ObsCore".obs_title IS 'Brief description of dataset in free format';

COMMENT ON COLUMN ivoa."ObsCore".s_region IS 'Sky region covered by the data product (expressed in ICRS frame)';

COMMENT ON COLUMN ivoa."ObsCore".access_url IS 'URL used to access dataset';

COMMENT ON COLUMN ivoa."ObsCore".access_format IS 'Content format of the dataset';

COMMENT ON COLUMN ivoa."ObsCore".access_estsize IS 'Estimated size of the dataset';

COMMENT ON COLUMN ivoa."ObsCore".obs_publisher_did IS 'ID for the Dataset given by the publisher';

COMMENT ON COLUMN ivoa."ObsCore".target_name IS 'Object of interest';

COMMENT ON COLUMN ivoa."ObsCore".s_resolution IS 'Spatial resolution of data as FWHM of PSF';

COMMENT ON COLUMN ivoa."ObsCore".s_xel1 IS 'Number of elements along the first coordinate of the spatial axis';

COMMENT ON COLUMN ivoa."ObsCore".s_xel2 IS 'Number of elements along the second coordinate of the spatial axis';

COMMENT ON COLUMN ivoa."ObsCore".t_resolution IS 'Temporal resolution FWHM';

COMMENT ON COLUMN ivoa."ObsCore".t_xel IS 'Number of elements along the time axis';

COMMENT ON COLUMN ivoa."ObsCore".pol_states IS 'List of polarization states present in the data';

COMMENT ON COLUMN ivoa."ObsCore".pol_xel IS 'Number of elements along the polarization axis';

COMMENT ON COLUMN ivoa."ObsCore".em_xel IS 'Number of elements along the spectral axis';

COMMENT ON COLUMN ivoa."ObsCore".em_res_power IS 'Value of the resolving power along the spectral axis (R)';

CREATE TABLE IF NOT EXISTS tap_schema.schemas (
	schema_name VARCHAR(64) NOT NULL,
	utype VARCHAR(512),
	description VARCHAR(512),
	schema_index INTEGER
);

COMMENT ON COLUMN tap_schema.schemas.schema_name IS 'Schema name, as used in queries';

COMMENT ON COLUMN tap_schema.schemas.utype IS 'Utype of the schema';

COMMENT ON COLUMN tap_schema.schemas.description IS 'Describes the schema';

COMMENT ON COLUMN tap_schema.schemas.schema_index IS 'Recommended order of schemas for display';

CREATE TABLE IF NOT EXISTS tap_schema.tables (
	schema_name VARCHAR(64) NOT NULL,
	table_name VARCHAR(128) NOT NULL,
	table_type VARCHAR(8) NOT NULL,
	utype VARCHAR(512),
	description VARCHAR(512),
	table_index INTEGER
);

COMMENT ON COLUMN tap_schema.tables.schema_name IS 'Schema the table belongs to';

COMMENT ON COLUMN tap_schema.tables.table_name IS 'Qualified table name, as used in queries';

COMMENT ON COLUMN tap_schema.tables.table_type IS '''table'' or ''view''';

COMMENT ON COLUMN tap_schema.tables.utype IS 'Utype of the table';

COMMENT ON COLUMN tap_schema.tables.description IS 'Describes the table';

COMMENT ON COLUMN tap_schema.tables.table_index IS 'Recommended order of tables for display';

CREATE TABLE IF NOT EXISTS tap_schema.columns (
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
	indexed INTEGER,
	std INTEGER,
	column_index INTEGER
);

COMMENT ON COLUMN tap_schema.columns.table_name IS 'Qualified name of the table the column belongs to';

COMMENT ON COLUMN tap_schema.columns.column_name IS 'Column name, as used in queries';

COMMENT ON COLUMN tap_schema.columns.utype IS 'Utype of the column';

COMMENT ON COLUMN tap_schema.columns.ucd IS 'UCD of the column';

COMMENT ON COLUMN tap_schema.columns.unit IS 'Unit in VOUnit syntax';

COMMENT ON COLUMN tap_schema.columns.description IS 'Describes the column';

COMMENT ON COLUMN tap_schema.columns.datatype IS 'VOTable datatype of the column';

COMMENT ON COLUMN tap_schema.columns.arraysize IS 'VOTable arraysize of the column';

COMMENT ON COLUMN tap_schema.columns.xtype IS 'VOTable xtype of the column';

COMMENT ON COLUMN tap_schema.columns.size IS 'Deprecated length of variable-length columns (TAP 1.0)';

COMMENT ON COLUMN tap_schema.columns.principal IS '1 if the column is principal, else 0';

COMMENT ON COLUMN tap_schema.columns.indexed IS '1 if the column is indexed, else 0';

COMMENT ON COLUMN tap_schema.columns.std IS '1 if the column is defined by a standard, else 0';

COMMENT ON COLUMN tap_schema.columns.column_index IS 'Recommended order of columns for display';

CREATE TABLE IF NOT EXISTS tap_schema.keys (
	key_id VARCHAR(64) NOT NULL,
	from_table VARCHAR(128) NOT NULL,
	target_table VARCHAR(128) NOT NULL,
	utype VARCHAR(512),
	description VARCHAR(512)
);

COMMENT ON COLUMN tap_schema.keys.key_id IS 'Unique key identifier';

COMMENT ON COLUMN tap_schema.keys.from_table IS 'Table with the foreign key';

COMMENT ON COLUMN tap_schema.keys.target_table IS 'Table with the primary key';

COMMENT ON COLUMN tap_schema.keys.utype IS 'Utype of the key';

COMMENT ON COLUMN tap_schema.keys.description IS 'Describes the key';

CREATE TABLE IF NOT EXISTS tap_schema.key_columns (
	key_id VARCHAR(64) NOT NULL,
	from_column VARCHAR(64) NOT NULL,
	target_column VARCHAR(64) NOT NULL
);

COMMENT ON COLUMN tap_schema.key_columns.key_id IS 'Key identifier from TAP_SCHEMA.keys';

COMMENT ON COLUMN tap_schema.key_columns.from_column IS 'Column in the from_table';

COMMENT ON COLUMN tap_schema.key_columns.target_column IS 'Column in the target_table';

CREATE SCHEMA IF NOT EXISTS obscura;

CREATE TABLE IF NOT EXISTS obscura.uws_job (
	job_id TEXT NOT NULL,
	owner TEXT,
	phase TEXT NOT NULL,
	run_id TEXT,
	creation_time TIMESTAMP WITH TIME ZONE NOT NULL,
	start_time TIMESTAMP WITH TIME ZONE,
	end_time TIMESTAMP WITH TIME ZONE,
	execution_duration INTEGER NOT NULL,
	destruction_time TIMESTAMP WITH TIME ZONE,
	quote TIMESTAMP WITH TIME ZONE,
	error_type TEXT,
	error_message TEXT,
	error_detail TEXT,
	lease_until TIMESTAMP WITH TIME ZONE,
	attempt INTEGER DEFAULT '0' NOT NULL,
	PRIMARY KEY (job_id),
	CONSTRAINT uws_job_error_type CHECK (error_type IS NULL OR error_type IN ('transient', 'fatal'))
);

CREATE INDEX IF NOT EXISTS uws_job_owner_creation ON obscura.uws_job (owner, creation_time);

CREATE INDEX IF NOT EXISTS uws_job_destruction ON obscura.uws_job (destruction_time);

COMMENT ON COLUMN obscura.uws_job.owner IS 'NULL for anonymous jobs';

COMMENT ON COLUMN obscura.uws_job.execution_duration IS 'seconds, 0 = unlimited';

COMMENT ON COLUMN obscura.uws_job.error_detail IS 'served at {job}/error';

COMMENT ON COLUMN obscura.uws_job.lease_until IS 'worker''s claim expires';

CREATE TABLE IF NOT EXISTS obscura.uws_job_parameter (
	job_id TEXT NOT NULL,
	position INTEGER NOT NULL,
	name TEXT NOT NULL,
	value TEXT NOT NULL,
	by_reference BOOLEAN DEFAULT false NOT NULL,
	PRIMARY KEY (job_id, position),
	FOREIGN KEY(job_id) REFERENCES obscura.uws_job (job_id) ON DELETE CASCADE
);

COMMENT ON COLUMN obscura.uws_job_parameter.position IS 'order given by the client';

CREATE TABLE IF NOT EXISTS obscura.uws_job_result (
	job_id TEXT NOT NULL,
	position INTEGER NOT NULL,
	result_id TEXT NOT NULL,
	href TEXT NOT NULL,
	size BIGINT,
	mime_type TEXT,
	PRIMARY KEY (job_id, position),
	CONSTRAINT uws_job_result_id UNIQUE (job_id, result_id),
	FOREIGN KEY(job_id) REFERENCES obscura.uws_job (job_id) ON DELETE CASCADE
);

COMMENT ON COLUMN obscura.uws_job_result.position IS 'order of the results list';

COMMENT ON COLUMN obscura.uws_job_result.size IS 'bytes';

CREATE OR REPLACE FUNCTION obscura.uws_job_notify() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        PERFORM pg_notify('obscura_uws_phase', COALESCE(NEW.job_id, OLD.job_id));
        RETURN NULL;
    END $$;

CREATE OR REPLACE TRIGGER uws_job_phase_notify
    AFTER UPDATE OF phase OR DELETE ON obscura.uws_job
    FOR EACH ROW EXECUTE FUNCTION obscura.uws_job_notify();

