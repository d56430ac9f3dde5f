-- An archive made by commit 544ac32: tests/storage/make_legacy_dumps.py

BEGIN TRANSACTION;
CREATE TABLE "ObsCore" (
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
CREATE TABLE schemas (
	schema_name VARCHAR(64) NOT NULL, 
	utype VARCHAR(512), 
	description VARCHAR(512), 
	schema_index INTEGER
);
CREATE TABLE tables (
	schema_name VARCHAR(64) NOT NULL, 
	table_name VARCHAR(128) NOT NULL, 
	table_type VARCHAR(8) NOT NULL, 
	utype VARCHAR(512), 
	description VARCHAR(512), 
	table_index INTEGER
);
CREATE TABLE columns (
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
CREATE TABLE keys (
	key_id VARCHAR(64) NOT NULL, 
	from_table VARCHAR(128) NOT NULL, 
	target_table VARCHAR(128) NOT NULL, 
	utype VARCHAR(512), 
	description VARCHAR(512)
);
CREATE TABLE key_columns (
	key_id VARCHAR(64) NOT NULL, 
	from_column VARCHAR(64) NOT NULL, 
	target_column VARCHAR(64) NOT NULL
);
CREATE VIRTUAL TABLE obscore_rtree USING rtree(id, xmin, xmax, ymin, ymax, zmin, zmax);
CREATE TABLE uws_job (
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
CREATE TABLE uws_job_parameter (
	job_id TEXT NOT NULL, 
	position INTEGER NOT NULL, 
	name TEXT NOT NULL, 
	value TEXT NOT NULL, 
	by_reference BOOLEAN DEFAULT 0 NOT NULL, 
	PRIMARY KEY (job_id, position), 
	FOREIGN KEY(job_id) REFERENCES uws_job (job_id) ON DELETE CASCADE
);
CREATE TABLE uws_job_result (
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
INSERT INTO "ObsCore" VALUES(1,'LSST.DP1','image','lsst.raw',1,'r',9.54627593955161586353e+01,-2.51628991642893176097e+01,5.51e-07,6.891e-07,NULL,NULL,'r_03',2024102400034,0,'LSSTComCam',6.06079800025333606744e+04,6.06079803543852103746e+04,30.0,3.17104612756342774115e-01,'CC_O_20241024_000034','phot.count','Rubin:Simonyi','raw - r - CC_O_20241024_000034-R22_S00 2024-10-24T23:31:12.218882Z','POLYGON ICRS 95.621784 -25.229473 95.533479 -25.017858 95.303906 -25.096155 95.391874 -25.307907','/api/datalink/links?ID=ivo%3A%2F%2Forg.rubinobs%2Fusdac%2Flsst-dp1%3Frepo%3Ddp1%26id%3D35dcb302-0dd9-4083-9436-84d2419593df','application/x-votable+xml;content=datalink',73728,'ivo://org.rubinobs/usdac/lsst-dp1?repo=dp1&id=35dcb302-0dd9-4083-9436-84d2419593df','Rubin_SV_95_-25',7.67850232787064213013e-01,4608,4096,30.0,1,NULL,NULL,1,4.48986241853729151074e+00);
INSERT INTO "ObsCore" VALUES(2,'LSST.DP1','image','lsst.raw',1,'r',9.53714742150263390402e+01,-2.49432316417726731563e+01,5.51e-07,6.891e-07,NULL,NULL,'r_03',2024102400034,1,'LSSTComCam',6.06079800025333606744e+04,6.06079803543852103746e+04,30.0,3.17107226749908654994e-01,'CC_O_20241024_000034','phot.count','Rubin:Simonyi','raw - r - CC_O_20241024_000034-R22_S01 2024-10-24T23:31:12.218882Z','POLYGON ICRS 95.530167 -25.009906 95.442176 -24.798234 95.212953 -24.876388 95.300607 -25.088197','/api/datalink/links?ID=ivo%3A%2F%2Forg.rubinobs%2Fusdac%2Flsst-dp1%3Frepo%3Ddp1%26id%3Dbf9bef8d-9ea3-4478-88a4-b3f1a8b61c2f','application/x-votable+xml;content=datalink',73728,'ivo://org.rubinobs/usdac/lsst-dp1?repo=dp1&id=bf9bef8d-9ea3-4478-88a4-b3f1a8b61c2f','Rubin_SV_95_-25',7.67850232787064213013e-01,4608,4096,30.0,1,NULL,NULL,1,4.48986241853729151074e+00);
INSERT INTO "ObsCore" VALUES(3,'LSST.DP1','image','lsst.visit_image',2,'r',9.54627593955161586353e+01,-2.51628991642893176097e+01,5.51e-07,6.891e-07,NULL,NULL,'r_03',2024102400034,0,'LSSTComCam',6.06079800025333606744e+04,6.06079803543852103746e+04,30.0,3.17104612756342774115e-01,'CC_O_20241024_000034','phot.flux.density','Rubin:Simonyi','visit_image - r - CC_O_20241024_000034-R22_S00 2024-10-24T23:31:12.218882Z','POLYGON ICRS 95.621784 -25.229473 95.533479 -25.017858 95.303906 -25.096155 95.391874 -25.307907','/api/datalink/links?ID=ivo%3A%2F%2Forg.rubinobs%2Fusdac%2Flsst-dp1%3Frepo%3Ddp1%26id%3D9ea2ba25-d3dc-41f6-b833-4397ddb49c55','application/x-votable+xml;content=datalink',190875,'ivo://org.rubinobs/usdac/lsst-dp1?repo=dp1&id=9ea2ba25-d3dc-41f6-b833-4397ddb49c55','Rubin_SV_95_-25',7.67850232787064213013e-01,4072,4000,30.0,1,NULL,NULL,1,4.48986241853729151074e+00);
INSERT INTO "ObsCore" VALUES(4,'LSST.DP1','image','lsst.visit_image',2,'r',9.53714742150263390402e+01,-2.49432316417726731563e+01,5.51e-07,6.891e-07,NULL,NULL,'r_03',2024102400034,1,'LSSTComCam',6.06079800025333606744e+04,6.06079803543852103746e+04,30.0,3.17107226749908654994e-01,'CC_O_20241024_000034','phot.flux.density','Rubin:Simonyi','visit_image - r - CC_O_20241024_000034-R22_S01 2024-10-24T23:31:12.218882Z','POLYGON ICRS 95.530167 -25.009906 95.442176 -24.798234 95.212953 -24.876388 95.300607 -25.088197','/api/datalink/links?ID=ivo%3A%2F%2Forg.rubinobs%2Fusdac%2Flsst-dp1%3Frepo%3Ddp1%26id%3Dd088f51e-8dfb-444a-a43a-94e44068f7de','application/x-votable+xml;content=datalink',190875,'ivo://org.rubinobs/usdac/lsst-dp1?repo=dp1&id=d088f51e-8dfb-444a-a43a-94e44068f7de','Rubin_SV_95_-25',7.67850232787064213013e-01,4072,4000,30.0,1,NULL,NULL,1,4.48986241853729151074e+00);
INSERT INTO "ObsCore" VALUES(5,'LSST.DP1','image','lsst.difference_image',3,'r',9.54627593955161586353e+01,-2.51628991642893176097e+01,5.51e-07,6.891e-07,NULL,NULL,'r_03',2024102400034,0,'LSSTComCam',6.06079800025333606744e+04,6.06079803543852103746e+04,30.0,3.17104612756342774115e-01,'CC_O_20241024_000034','phot.flux.density','Rubin:Simonyi','difference_image - r - CC_O_20241024_000034-R22_S00 2024-10-24T23:31:12.218882Z','POLYGON ICRS 95.621784 -25.229473 95.533479 -25.017858 95.303906 -25.096155 95.391874 -25.307907','/api/datalink/links?ID=ivo%3A%2F%2Forg.rubinobs%2Fusdac%2Flsst-dp1%3Frepo%3Ddp1%26id%3D46433575-660d-44e8-b029-3b9e46e8daa7','application/x-votable+xml;content=datalink',190875,'ivo://org.rubinobs/usdac/lsst-dp1?repo=dp1&id=46433575-660d-44e8-b029-3b9e46e8daa7','Rubin_SV_95_-25',7.67850232787064213013e-01,4072,4000,30.0,1,NULL,NULL,1,4.48986241853729151074e+00);
INSERT INTO "ObsCore" VALUES(6,'LSST.DP1','image','lsst.difference_image',3,'r',9.53714742150263390402e+01,-2.49432316417726731563e+01,5.51e-07,6.891e-07,NULL,NULL,'r_03',2024102400034,1,'LSSTComCam',6.06079800025333606744e+04,6.06079803543852103746e+04,30.0,3.17107226749908654994e-01,'CC_O_20241024_000034','phot.flux.density','Rubin:Simonyi','difference_image - r - CC_O_20241024_000034-R22_S01 2024-10-24T23:31:12.218882Z','POLYGON ICRS 95.530167 -25.009906 95.442176 -24.798234 95.212953 -24.876388 95.300607 -25.088197','/api/datalink/links?ID=ivo%3A%2F%2Forg.rubinobs%2Fusdac%2Flsst-dp1%3Frepo%3Ddp1%26id%3Dc95ae29d-07fd-420f-86ef-852570e09665','application/x-votable+xml;content=datalink',190875,'ivo://org.rubinobs/usdac/lsst-dp1?repo=dp1&id=c95ae29d-07fd-420f-86ef-852570e09665','Rubin_SV_95_-25',7.67850232787064213013e-01,4072,4000,30.0,1,NULL,NULL,1,4.48986241853729151074e+00);
INSERT INTO "ObsCore" VALUES(7,'LSST.DP1','image','lsst.deep_coadd',3,'i',5.45748149051733566494e+00,-7.27303176424962600794e+01,6.936e-07,8.188e-07,453,13,NULL,NULL,NULL,'LSSTComCam',NULL,NULL,NULL,2.67111379570361129331e-01,'lsst_cells_v1-453-13','phot.flux.density','Rubin:Simonyi','deep_coadd - i - tract=453 patch=13','POLYGON ICRS 5.142165 -72.825823 5.781698 -72.823157 5.769437 -72.634327 5.136626 -72.636962','/api/datalink/links?ID=ivo%3A%2F%2Forg.rubinobs%2Fusdac%2Flsst-dp1%3Frepo%3Ddp1%26id%3D1d68c4d8-e56e-44e2-9530-2f8c37d77f8f','application/x-votable+xml;content=datalink',135468,'ivo://org.rubinobs/usdac/lsst-dp1?repo=dp1&id=1d68c4d8-e56e-44e2-9530-2f8c37d77f8f',NULL,1.01301731541358086552e+00,3400,3400,NULL,NULL,NULL,NULL,1,6.03993610223642285461e+00);
INSERT INTO "ObsCore" VALUES(8,'LSST.DP1','image','lsst.deep_coadd',3,'i',4.89610154081401205417e+00,-7.27318769941339411406e+01,6.936e-07,8.188e-07,453,14,NULL,NULL,NULL,'LSSTComCam',NULL,NULL,NULL,2.67111454802929637608e-01,'lsst_cells_v1-453-14','phot.flux.density','Rubin:Simonyi','deep_coadd - i - tract=453 patch=14','POLYGON ICRS 4.577756 -72.826503 5.217414 -72.825614 5.211084 -72.636755 4.578152 -72.637634','/api/datalink/links?ID=ivo%3A%2F%2Forg.rubinobs%2Fusdac%2Flsst-dp1%3Frepo%3Ddp1%26id%3D4ee02f4a-9124-42b3-84d6-6ad159a27c57','application/x-votable+xml;content=datalink',135468,'ivo://org.rubinobs/usdac/lsst-dp1?repo=dp1&id=4ee02f4a-9124-42b3-84d6-6ad159a27c57',NULL,1.01301731541358086552e+00,3400,3400,NULL,NULL,NULL,NULL,1,6.03993610223642285461e+00);
INSERT INTO "ObsCore" VALUES(9,'LSST.DP1','image','lsst.template_coadd',3,'i',5.45748149051733566494e+00,-7.27303176424962600794e+01,6.936e-07,8.188e-07,453,13,NULL,NULL,NULL,'LSSTComCam',NULL,NULL,NULL,2.67111379570361129331e-01,'lsst_cells_v1-453-13','phot.flux_density','Rubin:Simonyi','template_coadd - i - tract=453 patch=13','POLYGON ICRS 5.142165 -72.825823 5.781698 -72.823157 5.769437 -72.634327 5.136626 -72.636962','/api/datalink/links?ID=ivo%3A%2F%2Forg.rubinobs%2Fusdac%2Flsst-dp1%3Frepo%3Ddp1%26id%3Dbbe448b7-d689-4c39-9783-e51b365ebd13','application/x-votable+xml;content=datalink',135468,'ivo://org.rubinobs/usdac/lsst-dp1?repo=dp1&id=bbe448b7-d689-4c39-9783-e51b365ebd13',NULL,1.01301731541358086552e+00,3400,3400,NULL,NULL,NULL,NULL,1,6.03993610223642285461e+00);
INSERT INTO "ObsCore" VALUES(10,'LSST.DP1','image','lsst.template_coadd',3,'i',4.89610154081401205417e+00,-7.27318769941339411406e+01,6.936e-07,8.188e-07,453,14,NULL,NULL,NULL,'LSSTComCam',NULL,NULL,NULL,2.67111454802929637608e-01,'lsst_cells_v1-453-14','phot.flux_density','Rubin:Simonyi','template_coadd - i - tract=453 patch=14','POLYGON ICRS 4.577756 -72.826503 5.217414 -72.825614 5.211084 -72.636755 4.578152 -72.637634','/api/datalink/links?ID=ivo%3A%2F%2Forg.rubinobs%2Fusdac%2Flsst-dp1%3Frepo%3Ddp1%26id%3De67d8547-c52c-4617-85bc-150e7366ca41','application/x-votable+xml;content=datalink',135468,'ivo://org.rubinobs/usdac/lsst-dp1?repo=dp1&id=e67d8547-c52c-4617-85bc-150e7366ca41',NULL,1.01301731541358086552e+00,3400,3400,NULL,NULL,NULL,NULL,1,6.03993610223642285461e+00);
INSERT INTO "schemas" VALUES('ivoa',NULL,'IVOA-defined tables: the ObsCore 1.1 image metadata table',0);
INSERT INTO "schemas" VALUES('tap_schema',NULL,'The TAP 1.1 metadata tables describing this service',1);
INSERT INTO "tables" VALUES('ivoa','ivoa.ObsCore','table','ivo://ivoa.net/std/ObsCore#table-1.1','ObsCore 1.1: one row per image product of the archive',0);
INSERT INTO "tables" VALUES('tap_schema','tap_schema.schemas','table',NULL,'Schemas published by this service',1);
INSERT INTO "tables" VALUES('tap_schema','tap_schema.tables','table',NULL,'Tables published by this service',2);
INSERT INTO "tables" VALUES('tap_schema','tap_schema.columns','table',NULL,'Columns of the published tables',3);
INSERT INTO "tables" VALUES('tap_schema','tap_schema.keys','table',NULL,'Foreign keys between the published tables',4);
INSERT INTO "tables" VALUES('tap_schema','tap_schema.key_columns','table',NULL,'Columns of the foreign keys',5);
INSERT INTO "columns" VALUES('ivoa.ObsCore','obs_collection','obscore:DataID.collection','meta.id',NULL,'Name of the data collection','char','128*',NULL,128,1,0,1,0);
INSERT INTO "columns" VALUES('ivoa.ObsCore','dataproduct_type','obscore:ObsDataset.dataProductType','meta.code.class',NULL,'Data product (file content) primary type','char','128*',NULL,128,1,0,1,1);
INSERT INTO "columns" VALUES('ivoa.ObsCore','dataproduct_subtype','obscore:ObsDataset.dataProductSubtype','meta.code.class',NULL,'Data product specific type','char','64*',NULL,64,1,1,1,2);
INSERT INTO "columns" VALUES('ivoa.ObsCore','calib_level','obscore:ObsDataset.calibLevel','meta.code;obs.calib',NULL,'Calibration level of the observation: in {0, 1, 2, 3, 4}','int',NULL,NULL,NULL,1,1,1,3);
INSERT INTO "columns" VALUES('ivoa.ObsCore','lsst_band',NULL,'meta.id;instr.bandpass',NULL,'Abstract filter band designation','char','10*',NULL,10,1,1,0,4);
INSERT INTO "columns" VALUES('ivoa.ObsCore','s_ra','obscore:Char.SpatialAxis.Coverage.Location.Coord.Position2D.Value2.C1','pos.eq.ra','deg','Central Spatial Position in ICRS; Right ascension','double',NULL,NULL,NULL,1,1,1,5);
INSERT INTO "columns" VALUES('ivoa.ObsCore','s_dec','obscore:Char.SpatialAxis.Coverage.Location.Coord.Position2D.Value2.C2','pos.eq.dec','deg','Central Spatial Position in ICRS; Declination','double',NULL,NULL,NULL,1,1,1,6);
INSERT INTO "columns" VALUES('ivoa.ObsCore','em_min','obscore:Char.SpectralAxis.Coverage.Bounds.Limits.LoLimit','em.wl;stat.min','m','start in spectral coordinates','double',NULL,NULL,NULL,1,0,1,7);
INSERT INTO "columns" VALUES('ivoa.ObsCore','em_max','obscore:Char.SpectralAxis.Coverage.Bounds.Limits.HiLimit','em.wl;stat.max','m','stop in spectral coordinates','double',NULL,NULL,NULL,1,0,1,8);
INSERT INTO "columns" VALUES('ivoa.ObsCore','lsst_tract',NULL,'meta.id',NULL,'Upper level of LSST coadd skymap hierarchy','long',NULL,NULL,NULL,1,1,0,9);
INSERT INTO "columns" VALUES('ivoa.ObsCore','lsst_patch',NULL,'meta.id.part',NULL,'Lower level of LSST coadd skymap hierarchy','long',NULL,NULL,NULL,1,1,0,10);
INSERT INTO "columns" VALUES('ivoa.ObsCore','lsst_filter',NULL,'meta.id;instr.filter',NULL,'Physical filter designation from the LSSTCam filter set','char','10*',NULL,10,1,0,0,11);
INSERT INTO "columns" VALUES('ivoa.ObsCore','lsst_visit',NULL,'meta.id;obs',NULL,'Identifier for a specific LSSTCam pointing','long',NULL,NULL,NULL,1,1,0,12);
INSERT INTO "columns" VALUES('ivoa.ObsCore','lsst_detector',NULL,'meta.id.part;instr.det',NULL,'Identifier for CCD within the LSSTCam focal plane','long',NULL,NULL,NULL,1,1,0,13);
INSERT INTO "columns" VALUES('ivoa.ObsCore','instrument_name','obscore:Provenance.ObsConfig.Instrument.name','meta.id;instr',NULL,'The name of the instrument used for the observation','char','128*',NULL,128,1,0,1,14);
INSERT INTO "columns" VALUES('ivoa.ObsCore','t_min','obscore:Char.TimeAxis.Coverage.Bounds.Limits.StartTime','time.start;obs.exposure','d','Start time in MJD (UTC)','double',NULL,NULL,NULL,1,1,1,15);
INSERT INTO "columns" VALUES('ivoa.ObsCore','t_max','obscore:Char.TimeAxis.Coverage.Bounds.Limits.StopTime','time.end;obs.exposure','d','Stop time in MJD (UTC)','double',NULL,NULL,NULL,1,1,1,16);
INSERT INTO "columns" VALUES('ivoa.ObsCore','t_exptime','obscore:Char.TimeAxis.Coverage.Support.Extent','time.duration;obs.exposure','s','Total exposure time','double',NULL,NULL,NULL,1,0,1,17);
INSERT INTO "columns" VALUES('ivoa.ObsCore','s_fov','obscore:Char.SpatialAxis.Coverage.Bounds.Extent.diameter','phys.angSize;instr.fov','deg','Estimated size of the covered region as the diameter of a containing circle','double',NULL,NULL,NULL,1,0,1,18);
INSERT INTO "columns" VALUES('ivoa.ObsCore','obs_id','obscore:DataID.observationID','meta.id',NULL,'Internal ID given by the ObsTAP service','char','128*',NULL,128,1,1,1,19);
INSERT INTO "columns" VALUES('ivoa.ObsCore','o_ucd','obscore:Char.ObservableAxis.ucd','meta.ucd',NULL,'Nature of the observable axis','char','32*',NULL,32,1,0,1,20);
INSERT INTO "columns" VALUES('ivoa.ObsCore','facility_name','obscore:Provenance.ObsConfig.Facility.name','meta.id;instr.tel',NULL,'The name of the facility, telescope, or space craft used for the observation','char','128*',NULL,128,1,0,1,21);
INSERT INTO "columns" VALUES('ivoa.ObsCore','obs_title','obscore:DataID.title','meta.title;obs',NULL,'Brief description of dataset in free format','char','256*',NULL,256,1,0,1,22);
INSERT INTO "columns" VALUES('ivoa.ObsCore','s_region','obscore:Char.SpatialAxis.Coverage.Support.Area','pos.outline;obs.field',NULL,'Sky region covered by the data product (expressed in ICRS frame)','char','*','adql:REGION',NULL,1,1,1,23);
INSERT INTO "columns" VALUES('ivoa.ObsCore','access_url','obscore:Access.reference','meta.ref.url',NULL,'URL used to access dataset','char','*','adql:clob',NULL,1,0,1,24);
INSERT INTO "columns" VALUES('ivoa.ObsCore','access_format','obscore:Access.format','meta.code.mime',NULL,'Content format of the dataset','char','128*',NULL,128,1,0,1,25);
INSERT INTO "columns" VALUES('ivoa.ObsCore','access_estsize','obscore:Access.size','phys.size;meta.file','kbyte','Estimated size of the dataset','long',NULL,NULL,NULL,1,0,1,26);
INSERT INTO "columns" VALUES('ivoa.ObsCore','obs_publisher_did','obscore:Curation.publisherDID','meta.ref.ivoid',NULL,'ID for the Dataset given by the publisher','char','128*',NULL,128,0,1,1,27);
INSERT INTO "columns" VALUES('ivoa.ObsCore','target_name','obscore:Target.name','meta.id;src',NULL,'Object of interest','char','32*',NULL,32,0,0,1,28);
INSERT INTO "columns" VALUES('ivoa.ObsCore','s_resolution','obscore:Char.SpatialAxis.Resolution.Refval.value','pos.angResolution','arcsec','Spatial resolution of data as FWHM of PSF','double',NULL,NULL,NULL,0,0,1,29);
INSERT INTO "columns" VALUES('ivoa.ObsCore','s_xel1','obscore:Char.SpatialAxis.numBins1','meta.number',NULL,'Number of elements along the first coordinate of the spatial axis','long',NULL,NULL,NULL,0,0,1,30);
INSERT INTO "columns" VALUES('ivoa.ObsCore','s_xel2','obscore:Char.SpatialAxis.numBins2','meta.number',NULL,'Number of elements along the second coordinate of the spatial axis','long',NULL,NULL,NULL,0,0,1,31);
INSERT INTO "columns" VALUES('ivoa.ObsCore','t_resolution','obscore:Char.TimeAxis.Resolution.Refval.value','time.resolution','s','Temporal resolution FWHM','double',NULL,NULL,NULL,0,0,1,32);
INSERT INTO "columns" VALUES('ivoa.ObsCore','t_xel','obscore:Char.TimeAxis.numBins','meta.number',NULL,'Number of elements along the time axis','long',NULL,NULL,NULL,0,0,1,33);
INSERT INTO "columns" VALUES('ivoa.ObsCore','pol_states','obscore:Char.PolarizationAxis.stateList','meta.code;phys.polarization',NULL,'List of polarization states present in the data','char','*',NULL,NULL,0,0,1,34);
INSERT INTO "columns" VALUES('ivoa.ObsCore','pol_xel','obscore:Char.PolarizationAxis.numBins','meta.number',NULL,'Number of elements along the polarization axis','long',NULL,NULL,NULL,0,0,1,35);
INSERT INTO "columns" VALUES('ivoa.ObsCore','em_xel','obscore:Char.SpectralAxis.numBins','meta.number',NULL,'Number of elements along the spectral axis','long',NULL,NULL,NULL,0,0,1,36);
INSERT INTO "columns" VALUES('ivoa.ObsCore','em_res_power','obscore:Char.SpectralAxis.Resolution.ResolPower.refVal','spect.resolution',NULL,'Value of the resolving power along the spectral axis (R)','double',NULL,NULL,NULL,0,0,1,37);
INSERT INTO "columns" VALUES('tap_schema.schemas','schema_name',NULL,NULL,NULL,'Schema name, as used in queries','char','64*',NULL,64,1,0,1,0);
INSERT INTO "columns" VALUES('tap_schema.schemas','utype',NULL,NULL,NULL,'Utype of the schema','char','512*',NULL,512,0,0,1,1);
INSERT INTO "columns" VALUES('tap_schema.schemas','description',NULL,NULL,NULL,'Describes the schema','char','512*',NULL,512,1,0,1,2);
INSERT INTO "columns" VALUES('tap_schema.schemas','schema_index',NULL,NULL,NULL,'Recommended order of schemas for display','int',NULL,NULL,NULL,0,0,1,3);
INSERT INTO "columns" VALUES('tap_schema.tables','schema_name',NULL,NULL,NULL,'Schema the table belongs to','char','64*',NULL,64,1,0,1,0);
INSERT INTO "columns" VALUES('tap_schema.tables','table_name',NULL,NULL,NULL,'Qualified table name, as used in queries','char','128*',NULL,128,1,0,1,1);
INSERT INTO "columns" VALUES('tap_schema.tables','table_type',NULL,NULL,NULL,'''table'' or ''view''','char','8*',NULL,8,1,0,1,2);
INSERT INTO "columns" VALUES('tap_schema.tables','utype',NULL,NULL,NULL,'Utype of the table','char','512*',NULL,512,0,0,1,3);
INSERT INTO "columns" VALUES('tap_schema.tables','description',NULL,NULL,NULL,'Describes the table','char','512*',NULL,512,1,0,1,4);
INSERT INTO "columns" VALUES('tap_schema.tables','table_index',NULL,NULL,NULL,'Recommended order of tables for display','int',NULL,NULL,NULL,0,0,1,5);
INSERT INTO "columns" VALUES('tap_schema.columns','table_name',NULL,NULL,NULL,'Qualified name of the table the column belongs to','char','128*',NULL,128,1,0,1,0);
INSERT INTO "columns" VALUES('tap_schema.columns','column_name',NULL,NULL,NULL,'Column name, as used in queries','char','64*',NULL,64,1,0,1,1);
INSERT INTO "columns" VALUES('tap_schema.columns','utype',NULL,NULL,NULL,'Utype of the column','char','512*',NULL,512,0,0,1,2);
INSERT INTO "columns" VALUES('tap_schema.columns','ucd',NULL,NULL,NULL,'UCD of the column','char','64*',NULL,64,1,0,1,3);
INSERT INTO "columns" VALUES('tap_schema.columns','unit',NULL,NULL,NULL,'Unit in VOUnit syntax','char','64*',NULL,64,1,0,1,4);
INSERT INTO "columns" VALUES('tap_schema.columns','description',NULL,NULL,NULL,'Describes the column','char','512*',NULL,512,1,0,1,5);
INSERT INTO "columns" VALUES('tap_schema.columns','datatype',NULL,NULL,NULL,'VOTable datatype of the column','char','64*',NULL,64,1,0,1,6);
INSERT INTO "columns" VALUES('tap_schema.columns','arraysize',NULL,NULL,NULL,'VOTable arraysize of the column','char','16*',NULL,16,0,0,1,7);
INSERT INTO "columns" VALUES('tap_schema.columns','xtype',NULL,NULL,NULL,'VOTable xtype of the column','char','64*',NULL,64,0,0,1,8);
INSERT INTO "columns" VALUES('tap_schema.columns','"size"',NULL,NULL,NULL,'Deprecated length of variable-length columns (TAP 1.0)','int',NULL,NULL,NULL,0,0,1,9);
INSERT INTO "columns" VALUES('tap_schema.columns','principal',NULL,NULL,NULL,'1 if the column is principal, else 0','int',NULL,NULL,NULL,1,0,1,10);
INSERT INTO "columns" VALUES('tap_schema.columns','indexed',NULL,NULL,NULL,'1 if the column is indexed, else 0','int',NULL,NULL,NULL,1,0,1,11);
INSERT INTO "columns" VALUES('tap_schema.columns','std',NULL,NULL,NULL,'1 if the column is defined by a standard, else 0','int',NULL,NULL,NULL,1,0,1,12);
INSERT INTO "columns" VALUES('tap_schema.columns','column_index',NULL,NULL,NULL,'Recommended order of columns for display','int',NULL,NULL,NULL,0,0,1,13);
INSERT INTO "columns" VALUES('tap_schema.keys','key_id',NULL,NULL,NULL,'Unique key identifier','char','64*',NULL,64,1,0,1,0);
INSERT INTO "columns" VALUES('tap_schema.keys','from_table',NULL,NULL,NULL,'Table with the foreign key','char','128*',NULL,128,1,0,1,1);
INSERT INTO "columns" VALUES('tap_schema.keys','target_table',NULL,NULL,NULL,'Table with the primary key','char','128*',NULL,128,1,0,1,2);
INSERT INTO "columns" VALUES('tap_schema.keys','utype',NULL,NULL,NULL,'Utype of the key','char','512*',NULL,512,0,0,1,3);
INSERT INTO "columns" VALUES('tap_schema.keys','description',NULL,NULL,NULL,'Describes the key','char','512*',NULL,512,1,0,1,4);
INSERT INTO "columns" VALUES('tap_schema.key_columns','key_id',NULL,NULL,NULL,'Key identifier from TAP_SCHEMA.keys','char','64*',NULL,64,1,0,1,0);
INSERT INTO "columns" VALUES('tap_schema.key_columns','from_column',NULL,NULL,NULL,'Column in the from_table','char','64*',NULL,64,1,0,1,1);
INSERT INTO "columns" VALUES('tap_schema.key_columns','target_column',NULL,NULL,NULL,'Column in the target_table','char','64*',NULL,64,1,0,1,2);
INSERT INTO "keys" VALUES('tables_schema','tap_schema.tables','tap_schema.schemas',NULL,'Each table belongs to a schema');
INSERT INTO "keys" VALUES('columns_table','tap_schema.columns','tap_schema.tables',NULL,'Each column belongs to a table');
INSERT INTO "keys" VALUES('keys_from','tap_schema.keys','tap_schema.tables',NULL,'The table a key starts from');
INSERT INTO "keys" VALUES('keys_target','tap_schema.keys','tap_schema.tables',NULL,'The table a key points to');
INSERT INTO "keys" VALUES('key_columns_key','tap_schema.key_columns','tap_schema.keys',NULL,'Each key column belongs to a key');
INSERT INTO "key_columns" VALUES('tables_schema','schema_name','schema_name');
INSERT INTO "key_columns" VALUES('columns_table','table_name','table_name');
INSERT INTO "key_columns" VALUES('keys_from','from_table','table_name');
INSERT INTO "key_columns" VALUES('keys_target','target_table','table_name');
INSERT INTO "key_columns" VALUES('key_columns_key','key_id','key_id');
INSERT INTO "obscore_rtree" VALUES(1,-8.86185094714164733886e-02,-8.37100744247436523437e-02,0.900021493434906,9.01955306529998779296e-01,-4.27484631538391113281e-01,-4.22898769378662109375e-01);
INSERT INTO "obscore_rtree" VALUES(2,-8.73356461524963378906e-02,-8.24257582426071166992e-02,9.01781260967254638671e-01,9.03700530529022216796e-01,-4.24014866352081298828e-01,-4.19422149658203125e-01);
INSERT INTO "obscore_rtree" VALUES(3,-8.86185094714164733886e-02,-8.37100744247436523437e-02,0.900021493434906,9.01955306529998779296e-01,-4.27484631538391113281e-01,-4.22898769378662109375e-01);
INSERT INTO "obscore_rtree" VALUES(4,-8.73356461524963378906e-02,-8.24257582426071166992e-02,9.01781260967254638671e-01,9.03700530529022216796e-01,-4.24014866352081298828e-01,-4.19422149658203125e-01);
INSERT INTO "obscore_rtree" VALUES(5,-8.86185094714164733886e-02,-8.37100744247436523437e-02,0.900021493434906,9.01955306529998779296e-01,-4.27484631538391113281e-01,-4.22898769378662109375e-01);
INSERT INTO "obscore_rtree" VALUES(6,-8.73356461524963378906e-02,-8.24257582426071166992e-02,9.01781260967254638671e-01,9.03700530529022216796e-01,-4.24014866352081298828e-01,-4.19422149658203125e-01);
INSERT INTO "obscore_rtree" VALUES(7,2.93818235397338867187e-01,2.97228038311004638671e-01,2.64635551720857620239e-02,3.00051346421241760253e-02,-9.5541292428970336914e-01,-9.54417943954467773437e-01);
INSERT INTO "obscore_rtree" VALUES(8,2.94056177139282226562e-01,2.97463208436965942382e-01,2.35644038766622543334e-02,2.71062087267637252807e-02,-9.55416500568389892578e-01,-9.5443058013916015625e-01);
INSERT INTO "obscore_rtree" VALUES(9,2.93818235397338867187e-01,2.97228038311004638671e-01,2.64635551720857620239e-02,3.00051346421241760253e-02,-9.5541292428970336914e-01,-9.54417943954467773437e-01);
INSERT INTO "obscore_rtree" VALUES(10,2.94056177139282226562e-01,2.97463208436965942382e-01,2.35644038766622543334e-02,2.71062087267637252807e-02,-9.55416500568389892578e-01,-9.5443058013916015625e-01);
INSERT INTO "uws_job" VALUES('legacyjob-completed-0001','alice','COMPLETED','before migrations','2026-03-01 12:00:00.000000','2026-03-01 12:00:01.000000','2026-03-01 12:00:02.000000',600,'2026-03-08 12:00:00.000000',NULL,NULL,NULL,NULL,NULL,0);
INSERT INTO "uws_job" VALUES('legacyjob-pending-0002','alice','PENDING',NULL,'2026-03-01 12:01:00.000000',NULL,NULL,60,NULL,NULL,NULL,NULL,NULL,NULL,0);
INSERT INTO "uws_job" VALUES('legacyjob-error-0003',NULL,'ERROR',NULL,'2026-03-01 12:02:00.000000',NULL,'2026-03-01 12:03:00.000000',0,NULL,NULL,'fatal','bad query','bad query',NULL,0);
INSERT INTO "uws_job_parameter" VALUES('legacyjob-completed-0001',0,'QUERY','SELECT TOP 5 * FROM ivoa.ObsCore',0);
INSERT INTO "uws_job_parameter" VALUES('legacyjob-completed-0001',1,'LANG','ADQL',0);
INSERT INTO "uws_job_parameter" VALUES('legacyjob-pending-0002',0,'QUERY','SELECT 1',0);
INSERT INTO "uws_job_result" VALUES('legacyjob-completed-0001',0,'result','https://example.org/r/1',1234,'text/xml');
CREATE INDEX obscore_lsst_patch_idx ON "ObsCore" (lsst_patch);
CREATE INDEX obscore_lsst_band_idx ON "ObsCore" (lsst_band);
CREATE INDEX obscore_t_min_idx ON "ObsCore" (t_min);
CREATE INDEX obscore_lsst_visit_idx ON "ObsCore" (lsst_visit);
CREATE UNIQUE INDEX obscore_publisher_did_idx ON "ObsCore" (obs_publisher_did);
CREATE INDEX obscore_dataproduct_subtype_idx ON "ObsCore" (dataproduct_subtype);
CREATE INDEX obscore_calib_level_idx ON "ObsCore" (calib_level);
CREATE INDEX obscore_obs_id_idx ON "ObsCore" (obs_id);
CREATE INDEX obscore_lsst_detector_idx ON "ObsCore" (lsst_detector);
CREATE INDEX obscore_t_max_idx ON "ObsCore" (t_max);
CREATE INDEX obscore_lsst_tract_idx ON "ObsCore" (lsst_tract);
CREATE TRIGGER obscore_rtree_delete AFTER DELETE ON "ObsCore" BEGIN DELETE FROM obscore_rtree WHERE id = old.obscore_id; END;
CREATE INDEX uws_job_owner_creation ON uws_job (owner, creation_time);
CREATE INDEX uws_job_destruction ON uws_job (destruction_time);
COMMIT;
