-- An archive made by commit 544ac32: tests/storage/make_legacy_dumps.py
--
-- PostgreSQL database dump
--


-- Dumped from database version 15.18 (Debian 15.18-0+deb12u1)
-- Dumped by pg_dump version 15.18 (Debian 15.18-0+deb12u1)

SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
-- (search_path left as it is: SELECT pg_catalog.set_config('search_path', '', false);)
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;

--
-- Name: ivoa; Type: SCHEMA; Schema: -; Owner: -
--

CREATE SCHEMA ivoa;


--
-- Name: obscura; Type: SCHEMA; Schema: -; Owner: -
--

CREATE SCHEMA obscura;


--
-- Name: tap_schema; Type: SCHEMA; Schema: -; Owner: -
--

CREATE SCHEMA tap_schema;


--
-- Name: pg_sphere; Type: EXTENSION; Schema: -; Owner: -
--

CREATE EXTENSION IF NOT EXISTS pg_sphere WITH SCHEMA public;


--
-- Name: EXTENSION pg_sphere; Type: COMMENT; Schema: -; Owner: -
--

COMMENT ON EXTENSION pg_sphere IS 'spherical objects with useful functions, operators and index support';


--
-- Name: spoly_centroid(public.spoly); Type: FUNCTION; Schema: obscura; Owner: -
--

CREATE FUNCTION obscura.spoly_centroid(polygon public.spoly) RETURNS public.spoint
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    AS $$
  SELECT spoint(atan2(sum(cos(lat(v)) * sin(long(v))), sum(cos(lat(v)) * cos(long(v)))),
                atan2(sum(sin(lat(v))), sqrt(sum(cos(lat(v)) * cos(long(v))) ^ 2
                                             + sum(cos(lat(v)) * sin(long(v))) ^ 2)))
  FROM (SELECT spoint(polygon::text::spath, i) AS v
        FROM generate_series(1, npoints(polygon)) AS i) AS vertices
$$;


--
-- Name: stcs_spoly(text); Type: FUNCTION; Schema: obscura; Owner: -
--

CREATE FUNCTION obscura.stcs_spoly(region text) RETURNS public.spoly
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    AS $$
  SELECT ('{' || string_agg(format('(%sd,%sd)', c[i], c[i + 1]), ',' ORDER BY i) || '}')::spoly
  FROM regexp_split_to_array(
         btrim(regexp_replace(region, '^\s*polygon\s+(icrs\s+)?', '', 'i')), '\s+') AS c,
       generate_series(1, array_length(c, 1) - 1, 2) AS i
$$;


--
-- Name: uws_job_notify(); Type: FUNCTION; Schema: obscura; Owner: -
--

CREATE FUNCTION obscura.uws_job_notify() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
    BEGIN
        PERFORM pg_notify('obscura_uws_phase', COALESCE(NEW.job_id, OLD.job_id));
        RETURN NULL;
    END $$;


SET default_tablespace = '';

SET default_table_access_method = heap;

--
-- Name: ObsCore; Type: TABLE; Schema: ivoa; Owner: -
--

CREATE TABLE ivoa."ObsCore" (
    obscore_id bigint NOT NULL,
    obs_collection character varying(128) NOT NULL,
    dataproduct_type character varying(128),
    dataproduct_subtype character varying(64),
    calib_level integer NOT NULL,
    lsst_band character varying(10),
    s_ra double precision,
    s_dec double precision,
    em_min double precision,
    em_max double precision,
    lsst_tract bigint,
    lsst_patch bigint,
    lsst_filter character varying(10),
    lsst_visit bigint,
    lsst_detector bigint,
    instrument_name character varying(128),
    t_min double precision,
    t_max double precision,
    t_exptime double precision,
    s_fov double precision,
    obs_id character varying(128) NOT NULL,
    o_ucd character varying(32),
    facility_name character varying(128),
    obs_title character varying(256),
    s_region text,
    access_url text,
    access_format character varying(128),
    access_estsize bigint,
    obs_publisher_did character varying(128) NOT NULL,
    target_name character varying(32),
    s_resolution double precision,
    s_xel1 bigint,
    s_xel2 bigint,
    t_resolution double precision,
    t_xel bigint,
    pol_states text,
    pol_xel bigint,
    em_xel bigint,
    em_res_power double precision,
    s_point public.spoint GENERATED ALWAYS AS (public.spoint(radians(s_ra), radians(s_dec))) STORED,
    s_poly public.spoly GENERATED ALWAYS AS (obscura.stcs_spoly(s_region)) STORED
);


--
-- Name: COLUMN "ObsCore".obs_collection; Type: COMMENT; Schema: ivoa; Owner: -
--

COMMENT ON COLUMN ivoa."ObsCore".obs_collection IS 'Name of the data collection';


--
-- Name: COLUMN "ObsCore".dataproduct_type; Type: COMMENT; Schema: ivoa; Owner: -
--

COMMENT ON COLUMN ivoa."ObsCore".dataproduct_type IS 'Data product (file content) primary type';


--
-- Name: COLUMN "ObsCore".dataproduct_subtype; Type: COMMENT; Schema: ivoa; Owner: -
--

COMMENT ON COLUMN ivoa."ObsCore".dataproduct_subtype IS 'Data product specific type';


--
-- Name: COLUMN "ObsCore".calib_level; Type: COMMENT; Schema: ivoa; Owner: -
--

COMMENT ON COLUMN ivoa."ObsCore".calib_level IS 'Calibration level of the observation: in {0, 1, 2, 3, 4}';


--
-- Name: COLUMN "ObsCore".lsst_band; Type: COMMENT; Schema: ivoa; Owner: -
--

COMMENT ON COLUMN ivoa."ObsCore".lsst_band IS 'Abstract filter band designation';


--
-- Name: COLUMN "ObsCore".s_ra; Type: COMMENT; Schema: ivoa; Owner: -
--

COMMENT ON COLUMN ivoa."ObsCore".s_ra IS 'Central Spatial Position in ICRS; Right ascension';


--
-- Name: COLUMN "ObsCore".s_dec; Type: COMMENT; Schema: ivoa; Owner: -
--

COMMENT ON COLUMN ivoa."ObsCore".s_dec IS 'Central Spatial Position in ICRS; Declination';


--
-- Name: COLUMN "ObsCore".em_min; Type: COMMENT; Schema: ivoa; Owner: -
--

COMMENT ON COLUMN ivoa."ObsCore".em_min IS 'start in spectral coordinates';


--
-- Name: COLUMN "ObsCore".em_max; Type: COMMENT; Schema: ivoa; Owner: -
--

COMMENT ON COLUMN ivoa."ObsCore".em_max IS 'stop in spectral coordinates';


--
-- Name: COLUMN "ObsCore".lsst_tract; Type: COMMENT; Schema: ivoa; Owner: -
--

COMMENT ON COLUMN ivoa."ObsCore".lsst_tract IS 'Upper level of LSST coadd skymap hierarchy';


--
-- Name: COLUMN "ObsCore".lsst_patch; Type: COMMENT; Schema: ivoa; Owner: -
--

COMMENT ON COLUMN ivoa."ObsCore".lsst_patch IS 'Lower level of LSST coadd skymap hierarchy';


--
-- Name: COLUMN "ObsCore".lsst_filter; Type: COMMENT; Schema: ivoa; Owner: -
--

COMMENT ON COLUMN ivoa."ObsCore".lsst_filter IS 'Physical filter designation from the LSSTCam filter set';


--
-- Name: COLUMN "ObsCore".lsst_visit; Type: COMMENT; Schema: ivoa; Owner: -
--

COMMENT ON COLUMN ivoa."ObsCore".lsst_visit IS 'Identifier for a specific LSSTCam pointing';


--
-- Name: COLUMN "ObsCore".lsst_detector; Type: COMMENT; Schema: ivoa; Owner: -
--

COMMENT ON COLUMN ivoa."ObsCore".lsst_detector IS 'Identifier for CCD within the LSSTCam focal plane';


--
-- Name: COLUMN "ObsCore".instrument_name; Type: COMMENT; Schema: ivoa; Owner: -
--

COMMENT ON COLUMN ivoa."ObsCore".instrument_name IS 'The name of the instrument used for the observation';


--
-- Name: COLUMN "ObsCore".t_min; Type: COMMENT; Schema: ivoa; Owner: -
--

COMMENT ON COLUMN ivoa."ObsCore".t_min IS 'Start time in MJD (UTC)';


--
-- Name: COLUMN "ObsCore".t_max; Type: COMMENT; Schema: ivoa; Owner: -
--

COMMENT ON COLUMN ivoa."ObsCore".t_max IS 'Stop time in MJD (UTC)';


--
-- Name: COLUMN "ObsCore".t_exptime; Type: COMMENT; Schema: ivoa; Owner: -
--

COMMENT ON COLUMN ivoa."ObsCore".t_exptime IS 'Total exposure time';


--
-- Name: COLUMN "ObsCore".s_fov; Type: COMMENT; Schema: ivoa; Owner: -
--

COMMENT ON COLUMN ivoa."ObsCore".s_fov IS 'Estimated size of the covered region as the diameter of a containing circle';


--
-- Name: COLUMN "ObsCore".obs_id; Type: COMMENT; Schema: ivoa; Owner: -
--

COMMENT ON COLUMN ivoa."ObsCore".obs_id IS 'Internal ID given by the ObsTAP service';


--
-- Name: COLUMN "ObsCore".o_ucd; Type: COMMENT; Schema: ivoa; Owner: -
--

COMMENT ON COLUMN ivoa."ObsCore".o_ucd IS 'Nature of the observable axis';


--
-- Name: COLUMN "ObsCore".facility_name; Type: COMMENT; Schema: ivoa; Owner: -
--

COMMENT ON COLUMN ivoa."ObsCore".facility_name IS 'The name of the facility, telescope, or space craft used for the observation';


--
-- Name: COLUMN "ObsCore".obs_title; Type: COMMENT; Schema: ivoa; Owner: -
--

COMMENT ON COLUMN ivoa."ObsCore".obs_title IS 'Brief description of dataset in free format';


--
-- Name: COLUMN "ObsCore".s_region; Type: COMMENT; Schema: ivoa; Owner: -
--

COMMENT ON COLUMN ivoa."ObsCore".s_region IS 'Sky region covered by the data product (expressed in ICRS frame)';


--
-- Name: COLUMN "ObsCore".access_url; Type: COMMENT; Schema: ivoa; Owner: -
--

COMMENT ON COLUMN ivoa."ObsCore".access_url IS 'URL used to access dataset';


--
-- Name: COLUMN "ObsCore".access_format; Type: COMMENT; Schema: ivoa; Owner: -
--

COMMENT ON COLUMN ivoa."ObsCore".access_format IS 'Content format of the dataset';


--
-- Name: COLUMN "ObsCore".access_estsize; Type: COMMENT; Schema: ivoa; Owner: -
--

COMMENT ON COLUMN ivoa."ObsCore".access_estsize IS 'Estimated size of the dataset';


--
-- Name: COLUMN "ObsCore".obs_publisher_did; Type: COMMENT; Schema: ivoa; Owner: -
--

COMMENT ON COLUMN ivoa."ObsCore".obs_publisher_did IS 'ID for the Dataset given by the publisher';


--
-- Name: COLUMN "ObsCore".target_name; Type: COMMENT; Schema: ivoa; Owner: -
--

COMMENT ON COLUMN ivoa."ObsCore".target_name IS 'Object of interest';


--
-- Name: COLUMN "ObsCore".s_resolution; Type: COMMENT; Schema: ivoa; Owner: -
--

COMMENT ON COLUMN ivoa."ObsCore".s_resolution IS 'Spatial resolution of data as FWHM of PSF';


--
-- Name: COLUMN "ObsCore".s_xel1; Type: COMMENT; Schema: ivoa; Owner: -
--

COMMENT ON COLUMN ivoa."ObsCore".s_xel1 IS 'Number of elements along the first coordinate of the spatial axis';


--
-- Name: COLUMN "ObsCore".s_xel2; Type: COMMENT; Schema: ivoa; Owner: -
--

COMMENT ON COLUMN ivoa."ObsCore".s_xel2 IS 'Number of elements along the second coordinate of the spatial axis';


--
-- Name: COLUMN "ObsCore".t_resolution; Type: COMMENT; Schema: ivoa; Owner: -
--

COMMENT ON COLUMN ivoa."ObsCore".t_resolution IS 'Temporal resolution FWHM';


--
-- Name: COLUMN "ObsCore".t_xel; Type: COMMENT; Schema: ivoa; Owner: -
--

COMMENT ON COLUMN ivoa."ObsCore".t_xel IS 'Number of elements along the time axis';


--
-- Name: COLUMN "ObsCore".pol_states; Type: COMMENT; Schema: ivoa; Owner: -
--

COMMENT ON COLUMN ivoa."ObsCore".pol_states IS 'List of polarization states present in the data';


--
-- Name: COLUMN "ObsCore".pol_xel; Type: COMMENT; Schema: ivoa; Owner: -
--

COMMENT ON COLUMN ivoa."ObsCore".pol_xel IS 'Number of elements along the polarization axis';


--
-- Name: COLUMN "ObsCore".em_xel; Type: COMMENT; Schema: ivoa; Owner: -
--

COMMENT ON COLUMN ivoa."ObsCore".em_xel IS 'Number of elements along the spectral axis';


--
-- Name: COLUMN "ObsCore".em_res_power; Type: COMMENT; Schema: ivoa; Owner: -
--

COMMENT ON COLUMN ivoa."ObsCore".em_res_power IS 'Value of the resolving power along the spectral axis (R)';


--
-- Name: ObsCore_obscore_id_seq; Type: SEQUENCE; Schema: ivoa; Owner: -
--

CREATE SEQUENCE ivoa."ObsCore_obscore_id_seq"
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: ObsCore_obscore_id_seq; Type: SEQUENCE OWNED BY; Schema: ivoa; Owner: -
--

ALTER SEQUENCE ivoa."ObsCore_obscore_id_seq" OWNED BY ivoa."ObsCore".obscore_id;


--
-- Name: uws_job; Type: TABLE; Schema: obscura; Owner: -
--

CREATE TABLE obscura.uws_job (
    job_id text NOT NULL,
    owner text,
    phase text NOT NULL,
    run_id text,
    creation_time timestamp with time zone NOT NULL,
    start_time timestamp with time zone,
    end_time timestamp with time zone,
    execution_duration integer NOT NULL,
    destruction_time timestamp with time zone,
    quote timestamp with time zone,
    error_type text,
    error_message text,
    error_detail text,
    lease_until timestamp with time zone,
    attempt integer DEFAULT 0 NOT NULL,
    CONSTRAINT uws_job_error_type CHECK (((error_type IS NULL) OR (error_type = ANY (ARRAY['transient'::text, 'fatal'::text]))))
);


--
-- Name: COLUMN uws_job.owner; Type: COMMENT; Schema: obscura; Owner: -
--

COMMENT ON COLUMN obscura.uws_job.owner IS 'NULL for anonymous jobs';


--
-- Name: COLUMN uws_job.execution_duration; Type: COMMENT; Schema: obscura; Owner: -
--

COMMENT ON COLUMN obscura.uws_job.execution_duration IS 'seconds, 0 = unlimited';


--
-- Name: COLUMN uws_job.error_detail; Type: COMMENT; Schema: obscura; Owner: -
--

COMMENT ON COLUMN obscura.uws_job.error_detail IS 'served at {job}/error';


--
-- Name: COLUMN uws_job.lease_until; Type: COMMENT; Schema: obscura; Owner: -
--

COMMENT ON COLUMN obscura.uws_job.lease_until IS 'worker''s claim expires';


--
-- Name: uws_job_parameter; Type: TABLE; Schema: obscura; Owner: -
--

CREATE TABLE obscura.uws_job_parameter (
    job_id text NOT NULL,
    "position" integer NOT NULL,
    name text NOT NULL,
    value text NOT NULL,
    by_reference boolean DEFAULT false NOT NULL
);


--
-- Name: COLUMN uws_job_parameter."position"; Type: COMMENT; Schema: obscura; Owner: -
--

COMMENT ON COLUMN obscura.uws_job_parameter."position" IS 'order given by the client';


--
-- Name: uws_job_result; Type: TABLE; Schema: obscura; Owner: -
--

CREATE TABLE obscura.uws_job_result (
    job_id text NOT NULL,
    "position" integer NOT NULL,
    result_id text NOT NULL,
    href text NOT NULL,
    size bigint,
    mime_type text
);


--
-- Name: COLUMN uws_job_result."position"; Type: COMMENT; Schema: obscura; Owner: -
--

COMMENT ON COLUMN obscura.uws_job_result."position" IS 'order of the results list';


--
-- Name: COLUMN uws_job_result.size; Type: COMMENT; Schema: obscura; Owner: -
--

COMMENT ON COLUMN obscura.uws_job_result.size IS 'bytes';


--
-- Name: columns; Type: TABLE; Schema: tap_schema; Owner: -
--

CREATE TABLE tap_schema.columns (
    table_name character varying(128) NOT NULL,
    column_name character varying(64) NOT NULL,
    utype character varying(512),
    ucd character varying(64),
    unit character varying(64),
    description character varying(512),
    datatype character varying(64) NOT NULL,
    arraysize character varying(16),
    xtype character varying(64),
    size integer,
    principal integer,
    indexed integer,
    std integer,
    column_index integer
);


--
-- Name: COLUMN columns.table_name; Type: COMMENT; Schema: tap_schema; Owner: -
--

COMMENT ON COLUMN tap_schema.columns.table_name IS 'Qualified name of the table the column belongs to';


--
-- Name: COLUMN columns.column_name; Type: COMMENT; Schema: tap_schema; Owner: -
--

COMMENT ON COLUMN tap_schema.columns.column_name IS 'Column name, as used in queries';


--
-- Name: COLUMN columns.utype; Type: COMMENT; Schema: tap_schema; Owner: -
--

COMMENT ON COLUMN tap_schema.columns.utype IS 'Utype of the column';


--
-- Name: COLUMN columns.ucd; Type: COMMENT; Schema: tap_schema; Owner: -
--

COMMENT ON COLUMN tap_schema.columns.ucd IS 'UCD of the column';


--
-- Name: COLUMN columns.unit; Type: COMMENT; Schema: tap_schema; Owner: -
--

COMMENT ON COLUMN tap_schema.columns.unit IS 'Unit in VOUnit syntax';


--
-- Name: COLUMN columns.description; Type: COMMENT; Schema: tap_schema; Owner: -
--

COMMENT ON COLUMN tap_schema.columns.description IS 'Describes the column';


--
-- Name: COLUMN columns.datatype; Type: COMMENT; Schema: tap_schema; Owner: -
--

COMMENT ON COLUMN tap_schema.columns.datatype IS 'VOTable datatype of the column';


--
-- Name: COLUMN columns.arraysize; Type: COMMENT; Schema: tap_schema; Owner: -
--

COMMENT ON COLUMN tap_schema.columns.arraysize IS 'VOTable arraysize of the column';


--
-- Name: COLUMN columns.xtype; Type: COMMENT; Schema: tap_schema; Owner: -
--

COMMENT ON COLUMN tap_schema.columns.xtype IS 'VOTable xtype of the column';


--
-- Name: COLUMN columns.size; Type: COMMENT; Schema: tap_schema; Owner: -
--

COMMENT ON COLUMN tap_schema.columns.size IS 'Deprecated length of variable-length columns (TAP 1.0)';


--
-- Name: COLUMN columns.principal; Type: COMMENT; Schema: tap_schema; Owner: -
--

COMMENT ON COLUMN tap_schema.columns.principal IS '1 if the column is principal, else 0';


--
-- Name: COLUMN columns.indexed; Type: COMMENT; Schema: tap_schema; Owner: -
--

COMMENT ON COLUMN tap_schema.columns.indexed IS '1 if the column is indexed, else 0';


--
-- Name: COLUMN columns.std; Type: COMMENT; Schema: tap_schema; Owner: -
--

COMMENT ON COLUMN tap_schema.columns.std IS '1 if the column is defined by a standard, else 0';


--
-- Name: COLUMN columns.column_index; Type: COMMENT; Schema: tap_schema; Owner: -
--

COMMENT ON COLUMN tap_schema.columns.column_index IS 'Recommended order of columns for display';


--
-- Name: key_columns; Type: TABLE; Schema: tap_schema; Owner: -
--

CREATE TABLE tap_schema.key_columns (
    key_id character varying(64) NOT NULL,
    from_column character varying(64) NOT NULL,
    target_column character varying(64) NOT NULL
);


--
-- Name: COLUMN key_columns.key_id; Type: COMMENT; Schema: tap_schema; Owner: -
--

COMMENT ON COLUMN tap_schema.key_columns.key_id IS 'Key identifier from TAP_SCHEMA.keys';


--
-- Name: COLUMN key_columns.from_column; Type: COMMENT; Schema: tap_schema; Owner: -
--

COMMENT ON COLUMN tap_schema.key_columns.from_column IS 'Column in the from_table';


--
-- Name: COLUMN key_columns.target_column; Type: COMMENT; Schema: tap_schema; Owner: -
--

COMMENT ON COLUMN tap_schema.key_columns.target_column IS 'Column in the target_table';


--
-- Name: keys; Type: TABLE; Schema: tap_schema; Owner: -
--

CREATE TABLE tap_schema.keys (
    key_id character varying(64) NOT NULL,
    from_table character varying(128) NOT NULL,
    target_table character varying(128) NOT NULL,
    utype character varying(512),
    description character varying(512)
);


--
-- Name: COLUMN keys.key_id; Type: COMMENT; Schema: tap_schema; Owner: -
--

COMMENT ON COLUMN tap_schema.keys.key_id IS 'Unique key identifier';


--
-- Name: COLUMN keys.from_table; Type: COMMENT; Schema: tap_schema; Owner: -
--

COMMENT ON COLUMN tap_schema.keys.from_table IS 'Table with the foreign key';


--
-- Name: COLUMN keys.target_table; Type: COMMENT; Schema: tap_schema; Owner: -
--

COMMENT ON COLUMN tap_schema.keys.target_table IS 'Table with the primary key';


--
-- Name: COLUMN keys.utype; Type: COMMENT; Schema: tap_schema; Owner: -
--

COMMENT ON COLUMN tap_schema.keys.utype IS 'Utype of the key';


--
-- Name: COLUMN keys.description; Type: COMMENT; Schema: tap_schema; Owner: -
--

COMMENT ON COLUMN tap_schema.keys.description IS 'Describes the key';


--
-- Name: schemas; Type: TABLE; Schema: tap_schema; Owner: -
--

CREATE TABLE tap_schema.schemas (
    schema_name character varying(64) NOT NULL,
    utype character varying(512),
    description character varying(512),
    schema_index integer
);


--
-- Name: COLUMN schemas.schema_name; Type: COMMENT; Schema: tap_schema; Owner: -
--

COMMENT ON COLUMN tap_schema.schemas.schema_name IS 'Schema name, as used in queries';


--
-- Name: COLUMN schemas.utype; Type: COMMENT; Schema: tap_schema; Owner: -
--

COMMENT ON COLUMN tap_schema.schemas.utype IS 'Utype of the schema';


--
-- Name: COLUMN schemas.description; Type: COMMENT; Schema: tap_schema; Owner: -
--

COMMENT ON COLUMN tap_schema.schemas.description IS 'Describes the schema';


--
-- Name: COLUMN schemas.schema_index; Type: COMMENT; Schema: tap_schema; Owner: -
--

COMMENT ON COLUMN tap_schema.schemas.schema_index IS 'Recommended order of schemas for display';


--
-- Name: tables; Type: TABLE; Schema: tap_schema; Owner: -
--

CREATE TABLE tap_schema.tables (
    schema_name character varying(64) NOT NULL,
    table_name character varying(128) NOT NULL,
    table_type character varying(8) NOT NULL,
    utype character varying(512),
    description character varying(512),
    table_index integer
);


--
-- Name: COLUMN tables.schema_name; Type: COMMENT; Schema: tap_schema; Owner: -
--

COMMENT ON COLUMN tap_schema.tables.schema_name IS 'Schema the table belongs to';


--
-- Name: COLUMN tables.table_name; Type: COMMENT; Schema: tap_schema; Owner: -
--

COMMENT ON COLUMN tap_schema.tables.table_name IS 'Qualified table name, as used in queries';


--
-- Name: COLUMN tables.table_type; Type: COMMENT; Schema: tap_schema; Owner: -
--

COMMENT ON COLUMN tap_schema.tables.table_type IS '''table'' or ''view''';


--
-- Name: COLUMN tables.utype; Type: COMMENT; Schema: tap_schema; Owner: -
--

COMMENT ON COLUMN tap_schema.tables.utype IS 'Utype of the table';


--
-- Name: COLUMN tables.description; Type: COMMENT; Schema: tap_schema; Owner: -
--

COMMENT ON COLUMN tap_schema.tables.description IS 'Describes the table';


--
-- Name: COLUMN tables.table_index; Type: COMMENT; Schema: tap_schema; Owner: -
--

COMMENT ON COLUMN tap_schema.tables.table_index IS 'Recommended order of tables for display';


--
-- Name: ObsCore obscore_id; Type: DEFAULT; Schema: ivoa; Owner: -
--

ALTER TABLE ONLY ivoa."ObsCore" ALTER COLUMN obscore_id SET DEFAULT nextval('ivoa."ObsCore_obscore_id_seq"'::regclass);


--
-- Data for Name: ObsCore; Type: TABLE DATA; Schema: ivoa; Owner: -
--

INSERT INTO ivoa."ObsCore" (obscore_id, obs_collection, dataproduct_type, dataproduct_subtype, calib_level, lsst_band, s_ra, s_dec, em_min, em_max, lsst_tract, lsst_patch, lsst_filter, lsst_visit, lsst_detector, instrument_name, t_min, t_max, t_exptime, s_fov, obs_id, o_ucd, facility_name, obs_title, s_region, access_url, access_format, access_estsize, obs_publisher_did, target_name, s_resolution, s_xel1, s_xel2, t_resolution, t_xel, pol_states, pol_xel, em_xel, em_res_power) VALUES (1, 'LSST.DP1', 'image', 'lsst.raw', 1, 'r', 95.46275939551616, -25.162899164289318, 5.51e-07, 6.891e-07, NULL, NULL, 'r_03', 2024102400034, 0, 'LSSTComCam', 60607.98000253336, 60607.98035438521, 30, 0.3171046127563428, 'CC_O_20241024_000034', 'phot.count', 'Rubin:Simonyi', 'raw - r - CC_O_20241024_000034-R22_S00 2024-10-24T23:31:12.218882Z', 'POLYGON ICRS 95.621784 -25.229473 95.533479 -25.017858 95.303906 -25.096155 95.391874 -25.307907', '/api/datalink/links?ID=ivo%3A%2F%2Forg.rubinobs%2Fusdac%2Flsst-dp1%3Frepo%3Ddp1%26id%3D35dcb302-0dd9-4083-9436-84d2419593df', 'application/x-votable+xml;content=datalink', 73728, 'ivo://org.rubinobs/usdac/lsst-dp1?repo=dp1&id=35dcb302-0dd9-4083-9436-84d2419593df', 'Rubin_SV_95_-25', 0.7678502327870642, 4608, 4096, 30, 1, NULL, NULL, 1, 4.4898624185372915);
INSERT INTO ivoa."ObsCore" (obscore_id, obs_collection, dataproduct_type, dataproduct_subtype, calib_level, lsst_band, s_ra, s_dec, em_min, em_max, lsst_tract, lsst_patch, lsst_filter, lsst_visit, lsst_detector, instrument_name, t_min, t_max, t_exptime, s_fov, obs_id, o_ucd, facility_name, obs_title, s_region, access_url, access_format, access_estsize, obs_publisher_did, target_name, s_resolution, s_xel1, s_xel2, t_resolution, t_xel, pol_states, pol_xel, em_xel, em_res_power) VALUES (2, 'LSST.DP1', 'image', 'lsst.raw', 1, 'r', 95.37147421502634, -24.943231641772673, 5.51e-07, 6.891e-07, NULL, NULL, 'r_03', 2024102400034, 1, 'LSSTComCam', 60607.98000253336, 60607.98035438521, 30, 0.31710722674990865, 'CC_O_20241024_000034', 'phot.count', 'Rubin:Simonyi', 'raw - r - CC_O_20241024_000034-R22_S01 2024-10-24T23:31:12.218882Z', 'POLYGON ICRS 95.530167 -25.009906 95.442176 -24.798234 95.212953 -24.876388 95.300607 -25.088197', '/api/datalink/links?ID=ivo%3A%2F%2Forg.rubinobs%2Fusdac%2Flsst-dp1%3Frepo%3Ddp1%26id%3Dbf9bef8d-9ea3-4478-88a4-b3f1a8b61c2f', 'application/x-votable+xml;content=datalink', 73728, 'ivo://org.rubinobs/usdac/lsst-dp1?repo=dp1&id=bf9bef8d-9ea3-4478-88a4-b3f1a8b61c2f', 'Rubin_SV_95_-25', 0.7678502327870642, 4608, 4096, 30, 1, NULL, NULL, 1, 4.4898624185372915);
INSERT INTO ivoa."ObsCore" (obscore_id, obs_collection, dataproduct_type, dataproduct_subtype, calib_level, lsst_band, s_ra, s_dec, em_min, em_max, lsst_tract, lsst_patch, lsst_filter, lsst_visit, lsst_detector, instrument_name, t_min, t_max, t_exptime, s_fov, obs_id, o_ucd, facility_name, obs_title, s_region, access_url, access_format, access_estsize, obs_publisher_did, target_name, s_resolution, s_xel1, s_xel2, t_resolution, t_xel, pol_states, pol_xel, em_xel, em_res_power) VALUES (3, 'LSST.DP1', 'image', 'lsst.visit_image', 2, 'r', 95.46275939551616, -25.162899164289318, 5.51e-07, 6.891e-07, NULL, NULL, 'r_03', 2024102400034, 0, 'LSSTComCam', 60607.98000253336, 60607.98035438521, 30, 0.3171046127563428, 'CC_O_20241024_000034', 'phot.flux.density', 'Rubin:Simonyi', 'visit_image - r - CC_O_20241024_000034-R22_S00 2024-10-24T23:31:12.218882Z', 'POLYGON ICRS 95.621784 -25.229473 95.533479 -25.017858 95.303906 -25.096155 95.391874 -25.307907', '/api/datalink/links?ID=ivo%3A%2F%2Forg.rubinobs%2Fusdac%2Flsst-dp1%3Frepo%3Ddp1%26id%3D9ea2ba25-d3dc-41f6-b833-4397ddb49c55', 'application/x-votable+xml;content=datalink', 190875, 'ivo://org.rubinobs/usdac/lsst-dp1?repo=dp1&id=9ea2ba25-d3dc-41f6-b833-4397ddb49c55', 'Rubin_SV_95_-25', 0.7678502327870642, 4072, 4000, 30, 1, NULL, NULL, 1, 4.4898624185372915);
INSERT INTO ivoa."ObsCore" (obscore_id, obs_collection, dataproduct_type, dataproduct_subtype, calib_level, lsst_band, s_ra, s_dec, em_min, em_max, lsst_tract, lsst_patch, lsst_filter, lsst_visit, lsst_detector, instrument_name, t_min, t_max, t_exptime, s_fov, obs_id, o_ucd, facility_name, obs_title, s_region, access_url, access_format, access_estsize, obs_publisher_did, target_name, s_resolution, s_xel1, s_xel2, t_resolution, t_xel, pol_states, pol_xel, em_xel, em_res_power) VALUES (4, 'LSST.DP1', 'image', 'lsst.visit_image', 2, 'r', 95.37147421502634, -24.943231641772673, 5.51e-07, 6.891e-07, NULL, NULL, 'r_03', 2024102400034, 1, 'LSSTComCam', 60607.98000253336, 60607.98035438521, 30, 0.31710722674990865, 'CC_O_20241024_000034', 'phot.flux.density', 'Rubin:Simonyi', 'visit_image - r - CC_O_20241024_000034-R22_S01 2024-10-24T23:31:12.218882Z', 'POLYGON ICRS 95.530167 -25.009906 95.442176 -24.798234 95.212953 -24.876388 95.300607 -25.088197', '/api/datalink/links?ID=ivo%3A%2F%2Forg.rubinobs%2Fusdac%2Flsst-dp1%3Frepo%3Ddp1%26id%3Dd088f51e-8dfb-444a-a43a-94e44068f7de', 'application/x-votable+xml;content=datalink', 190875, 'ivo://org.rubinobs/usdac/lsst-dp1?repo=dp1&id=d088f51e-8dfb-444a-a43a-94e44068f7de', 'Rubin_SV_95_-25', 0.7678502327870642, 4072, 4000, 30, 1, NULL, NULL, 1, 4.4898624185372915);
INSERT INTO ivoa."ObsCore" (obscore_id, obs_collection, dataproduct_type, dataproduct_subtype, calib_level, lsst_band, s_ra, s_dec, em_min, em_max, lsst_tract, lsst_patch, lsst_filter, lsst_visit, lsst_detector, instrument_name, t_min, t_max, t_exptime, s_fov, obs_id, o_ucd, facility_name, obs_title, s_region, access_url, access_format, access_estsize, obs_publisher_did, target_name, s_resolution, s_xel1, s_xel2, t_resolution, t_xel, pol_states, pol_xel, em_xel, em_res_power) VALUES (5, 'LSST.DP1', 'image', 'lsst.difference_image', 3, 'r', 95.46275939551616, -25.162899164289318, 5.51e-07, 6.891e-07, NULL, NULL, 'r_03', 2024102400034, 0, 'LSSTComCam', 60607.98000253336, 60607.98035438521, 30, 0.3171046127563428, 'CC_O_20241024_000034', 'phot.flux.density', 'Rubin:Simonyi', 'difference_image - r - CC_O_20241024_000034-R22_S00 2024-10-24T23:31:12.218882Z', 'POLYGON ICRS 95.621784 -25.229473 95.533479 -25.017858 95.303906 -25.096155 95.391874 -25.307907', '/api/datalink/links?ID=ivo%3A%2F%2Forg.rubinobs%2Fusdac%2Flsst-dp1%3Frepo%3Ddp1%26id%3D46433575-660d-44e8-b029-3b9e46e8daa7', 'application/x-votable+xml;content=datalink', 190875, 'ivo://org.rubinobs/usdac/lsst-dp1?repo=dp1&id=46433575-660d-44e8-b029-3b9e46e8daa7', 'Rubin_SV_95_-25', 0.7678502327870642, 4072, 4000, 30, 1, NULL, NULL, 1, 4.4898624185372915);
INSERT INTO ivoa."ObsCore" (obscore_id, obs_collection, dataproduct_type, dataproduct_subtype, calib_level, lsst_band, s_ra, s_dec, em_min, em_max, lsst_tract, lsst_patch, lsst_filter, lsst_visit, lsst_detector, instrument_name, t_min, t_max, t_exptime, s_fov, obs_id, o_ucd, facility_name, obs_title, s_region, access_url, access_format, access_estsize, obs_publisher_did, target_name, s_resolution, s_xel1, s_xel2, t_resolution, t_xel, pol_states, pol_xel, em_xel, em_res_power) VALUES (6, 'LSST.DP1', 'image', 'lsst.difference_image', 3, 'r', 95.37147421502634, -24.943231641772673, 5.51e-07, 6.891e-07, NULL, NULL, 'r_03', 2024102400034, 1, 'LSSTComCam', 60607.98000253336, 60607.98035438521, 30, 0.31710722674990865, 'CC_O_20241024_000034', 'phot.flux.density', 'Rubin:Simonyi', 'difference_image - r - CC_O_20241024_000034-R22_S01 2024-10-24T23:31:12.218882Z', 'POLYGON ICRS 95.530167 -25.009906 95.442176 -24.798234 95.212953 -24.876388 95.300607 -25.088197', '/api/datalink/links?ID=ivo%3A%2F%2Forg.rubinobs%2Fusdac%2Flsst-dp1%3Frepo%3Ddp1%26id%3Dc95ae29d-07fd-420f-86ef-852570e09665', 'application/x-votable+xml;content=datalink', 190875, 'ivo://org.rubinobs/usdac/lsst-dp1?repo=dp1&id=c95ae29d-07fd-420f-86ef-852570e09665', 'Rubin_SV_95_-25', 0.7678502327870642, 4072, 4000, 30, 1, NULL, NULL, 1, 4.4898624185372915);
INSERT INTO ivoa."ObsCore" (obscore_id, obs_collection, dataproduct_type, dataproduct_subtype, calib_level, lsst_band, s_ra, s_dec, em_min, em_max, lsst_tract, lsst_patch, lsst_filter, lsst_visit, lsst_detector, instrument_name, t_min, t_max, t_exptime, s_fov, obs_id, o_ucd, facility_name, obs_title, s_region, access_url, access_format, access_estsize, obs_publisher_did, target_name, s_resolution, s_xel1, s_xel2, t_resolution, t_xel, pol_states, pol_xel, em_xel, em_res_power) VALUES (7, 'LSST.DP1', 'image', 'lsst.deep_coadd', 3, 'i', 5.457481490517336, -72.73031764249626, 6.936e-07, 8.188e-07, 453, 13, NULL, NULL, NULL, 'LSSTComCam', NULL, NULL, NULL, 0.26711137957036113, 'lsst_cells_v1-453-13', 'phot.flux.density', 'Rubin:Simonyi', 'deep_coadd - i - tract=453 patch=13', 'POLYGON ICRS 5.142165 -72.825823 5.781698 -72.823157 5.769437 -72.634327 5.136626 -72.636962', '/api/datalink/links?ID=ivo%3A%2F%2Forg.rubinobs%2Fusdac%2Flsst-dp1%3Frepo%3Ddp1%26id%3D1d68c4d8-e56e-44e2-9530-2f8c37d77f8f', 'application/x-votable+xml;content=datalink', 135468, 'ivo://org.rubinobs/usdac/lsst-dp1?repo=dp1&id=1d68c4d8-e56e-44e2-9530-2f8c37d77f8f', NULL, 1.0130173154135809, 3400, 3400, NULL, NULL, NULL, NULL, 1, 6.039936102236423);
INSERT INTO ivoa."ObsCore" (obscore_id, obs_collection, dataproduct_type, dataproduct_subtype, calib_level, lsst_band, s_ra, s_dec, em_min, em_max, lsst_tract, lsst_patch, lsst_filter, lsst_visit, lsst_detector, instrument_name, t_min, t_max, t_exptime, s_fov, obs_id, o_ucd, facility_name, obs_title, s_region, access_url, access_format, access_estsize, obs_publisher_did, target_name, s_resolution, s_xel1, s_xel2, t_resolution, t_xel, pol_states, pol_xel, em_xel, em_res_power) VALUES (8, 'LSST.DP1', 'image', 'lsst.deep_coadd', 3, 'i', 4.896101540814012, -72.73187699413394, 6.936e-07, 8.188e-07, 453, 14, NULL, NULL, NULL, 'LSSTComCam', NULL, NULL, NULL, 0.26711145480292964, 'lsst_cells_v1-453-14', 'phot.flux.density', 'Rubin:Simonyi', 'deep_coadd - i - tract=453 patch=14', 'POLYGON ICRS 4.577756 -72.826503 5.217414 -72.825614 5.211084 -72.636755 4.578152 -72.637634', '/api/datalink/links?ID=ivo%3A%2F%2Forg.rubinobs%2Fusdac%2Flsst-dp1%3Frepo%3Ddp1%26id%3D4ee02f4a-9124-42b3-84d6-6ad159a27c57', 'application/x-votable+xml;content=datalink', 135468, 'ivo://org.rubinobs/usdac/lsst-dp1?repo=dp1&id=4ee02f4a-9124-42b3-84d6-6ad159a27c57', NULL, 1.0130173154135809, 3400, 3400, NULL, NULL, NULL, NULL, 1, 6.039936102236423);
INSERT INTO ivoa."ObsCore" (obscore_id, obs_collection, dataproduct_type, dataproduct_subtype, calib_level, lsst_band, s_ra, s_dec, em_min, em_max, lsst_tract, lsst_patch, lsst_filter, lsst_visit, lsst_detector, instrument_name, t_min, t_max, t_exptime, s_fov, obs_id, o_ucd, facility_name, obs_title, s_region, access_url, access_format, access_estsize, obs_publisher_did, target_name, s_resolution, s_xel1, s_xel2, t_resolution, t_xel, pol_states, pol_xel, em_xel, em_res_power) VALUES (9, 'LSST.DP1', 'image', 'lsst.template_coadd', 3, 'i', 5.457481490517336, -72.73031764249626, 6.936e-07, 8.188e-07, 453, 13, NULL, NULL, NULL, 'LSSTComCam', NULL, NULL, NULL, 0.26711137957036113, 'lsst_cells_v1-453-13', 'phot.flux_density', 'Rubin:Simonyi', 'template_coadd - i - tract=453 patch=13', 'POLYGON ICRS 5.142165 -72.825823 5.781698 -72.823157 5.769437 -72.634327 5.136626 -72.636962', '/api/datalink/links?ID=ivo%3A%2F%2Forg.rubinobs%2Fusdac%2Flsst-dp1%3Frepo%3Ddp1%26id%3Dbbe448b7-d689-4c39-9783-e51b365ebd13', 'application/x-votable+xml;content=datalink', 135468, 'ivo://org.rubinobs/usdac/lsst-dp1?repo=dp1&id=bbe448b7-d689-4c39-9783-e51b365ebd13', NULL, 1.0130173154135809, 3400, 3400, NULL, NULL, NULL, NULL, 1, 6.039936102236423);
INSERT INTO ivoa."ObsCore" (obscore_id, obs_collection, dataproduct_type, dataproduct_subtype, calib_level, lsst_band, s_ra, s_dec, em_min, em_max, lsst_tract, lsst_patch, lsst_filter, lsst_visit, lsst_detector, instrument_name, t_min, t_max, t_exptime, s_fov, obs_id, o_ucd, facility_name, obs_title, s_region, access_url, access_format, access_estsize, obs_publisher_did, target_name, s_resolution, s_xel1, s_xel2, t_resolution, t_xel, pol_states, pol_xel, em_xel, em_res_power) VALUES (10, 'LSST.DP1', 'image', 'lsst.template_coadd', 3, 'i', 4.896101540814012, -72.73187699413394, 6.936e-07, 8.188e-07, 453, 14, NULL, NULL, NULL, 'LSSTComCam', NULL, NULL, NULL, 0.26711145480292964, 'lsst_cells_v1-453-14', 'phot.flux_density', 'Rubin:Simonyi', 'template_coadd - i - tract=453 patch=14', 'POLYGON ICRS 4.577756 -72.826503 5.217414 -72.825614 5.211084 -72.636755 4.578152 -72.637634', '/api/datalink/links?ID=ivo%3A%2F%2Forg.rubinobs%2Fusdac%2Flsst-dp1%3Frepo%3Ddp1%26id%3De67d8547-c52c-4617-85bc-150e7366ca41', 'application/x-votable+xml;content=datalink', 135468, 'ivo://org.rubinobs/usdac/lsst-dp1?repo=dp1&id=e67d8547-c52c-4617-85bc-150e7366ca41', NULL, 1.0130173154135809, 3400, 3400, NULL, NULL, NULL, NULL, 1, 6.039936102236423);


--
-- Data for Name: uws_job; Type: TABLE DATA; Schema: obscura; Owner: -
--

INSERT INTO obscura.uws_job (job_id, owner, phase, run_id, creation_time, start_time, end_time, execution_duration, destruction_time, quote, error_type, error_message, error_detail, lease_until, attempt) VALUES ('legacyjob-completed-0001', 'alice', 'COMPLETED', 'before migrations', '2026-03-01 12:00:00+00', '2026-03-01 12:00:01+00', '2026-03-01 12:00:02+00', 600, '2026-03-08 12:00:00+00', NULL, NULL, NULL, NULL, NULL, 0);
INSERT INTO obscura.uws_job (job_id, owner, phase, run_id, creation_time, start_time, end_time, execution_duration, destruction_time, quote, error_type, error_message, error_detail, lease_until, attempt) VALUES ('legacyjob-pending-0002', 'alice', 'PENDING', NULL, '2026-03-01 12:01:00+00', NULL, NULL, 60, NULL, NULL, NULL, NULL, NULL, NULL, 0);
INSERT INTO obscura.uws_job (job_id, owner, phase, run_id, creation_time, start_time, end_time, execution_duration, destruction_time, quote, error_type, error_message, error_detail, lease_until, attempt) VALUES ('legacyjob-error-0003', NULL, 'ERROR', NULL, '2026-03-01 12:02:00+00', NULL, '2026-03-01 12:03:00+00', 0, NULL, NULL, 'fatal', 'bad query', 'bad query', NULL, 0);


--
-- Data for Name: uws_job_parameter; Type: TABLE DATA; Schema: obscura; Owner: -
--

INSERT INTO obscura.uws_job_parameter (job_id, "position", name, value, by_reference) VALUES ('legacyjob-completed-0001', 0, 'QUERY', 'SELECT TOP 5 * FROM ivoa.ObsCore', false);
INSERT INTO obscura.uws_job_parameter (job_id, "position", name, value, by_reference) VALUES ('legacyjob-completed-0001', 1, 'LANG', 'ADQL', false);
INSERT INTO obscura.uws_job_parameter (job_id, "position", name, value, by_reference) VALUES ('legacyjob-pending-0002', 0, 'QUERY', 'SELECT 1', false);


--
-- Data for Name: uws_job_result; Type: TABLE DATA; Schema: obscura; Owner: -
--

INSERT INTO obscura.uws_job_result (job_id, "position", result_id, href, size, mime_type) VALUES ('legacyjob-completed-0001', 0, 'result', 'https://example.org/r/1', 1234, 'text/xml');


--
-- Data for Name: columns; Type: TABLE DATA; Schema: tap_schema; Owner: -
--

INSERT INTO tap_schema.columns (table_name, column_name, utype, ucd, unit, description, datatype, arraysize, xtype, size, principal, indexed, std, column_index) VALUES ('ivoa.ObsCore', 'obs_collection', 'obscore:DataID.collection', 'meta.id', NULL, 'Name of the data collection', 'char', '128*', NULL, 128, 1, 0, 1, 0);
INSERT INTO tap_schema.columns (table_name, column_name, utype, ucd, unit, description, datatype, arraysize, xtype, size, principal, indexed, std, column_index) VALUES ('ivoa.ObsCore', 'dataproduct_type', 'obscore:ObsDataset.dataProductType', 'meta.code.class', NULL, 'Data product (file content) primary type', 'char', '128*', NULL, 128, 1, 0, 1, 1);
INSERT INTO tap_schema.columns (table_name, column_name, utype, ucd, unit, description, datatype, arraysize, xtype, size, principal, indexed, std, column_index) VALUES ('ivoa.ObsCore', 'dataproduct_subtype', 'obscore:ObsDataset.dataProductSubtype', 'meta.code.class', NULL, 'Data product specific type', 'char', '64*', NULL, 64, 1, 1, 1, 2);
INSERT INTO tap_schema.columns (table_name, column_name, utype, ucd, unit, description, datatype, arraysize, xtype, size, principal, indexed, std, column_index) VALUES ('ivoa.ObsCore', 'calib_level', 'obscore:ObsDataset.calibLevel', 'meta.code;obs.calib', NULL, 'Calibration level of the observation: in {0, 1, 2, 3, 4}', 'int', NULL, NULL, NULL, 1, 1, 1, 3);
INSERT INTO tap_schema.columns (table_name, column_name, utype, ucd, unit, description, datatype, arraysize, xtype, size, principal, indexed, std, column_index) VALUES ('ivoa.ObsCore', 'lsst_band', NULL, 'meta.id;instr.bandpass', NULL, 'Abstract filter band designation', 'char', '10*', NULL, 10, 1, 1, 0, 4);
INSERT INTO tap_schema.columns (table_name, column_name, utype, ucd, unit, description, datatype, arraysize, xtype, size, principal, indexed, std, column_index) VALUES ('ivoa.ObsCore', 's_ra', 'obscore:Char.SpatialAxis.Coverage.Location.Coord.Position2D.Value2.C1', 'pos.eq.ra', 'deg', 'Central Spatial Position in ICRS; Right ascension', 'double', NULL, NULL, NULL, 1, 1, 1, 5);
INSERT INTO tap_schema.columns (table_name, column_name, utype, ucd, unit, description, datatype, arraysize, xtype, size, principal, indexed, std, column_index) VALUES ('ivoa.ObsCore', 's_dec', 'obscore:Char.SpatialAxis.Coverage.Location.Coord.Position2D.Value2.C2', 'pos.eq.dec', 'deg', 'Central Spatial Position in ICRS; Declination', 'double', NULL, NULL, NULL, 1, 1, 1, 6);
INSERT INTO tap_schema.columns (table_name, column_name, utype, ucd, unit, description, datatype, arraysize, xtype, size, principal, indexed, std, column_index) VALUES ('ivoa.ObsCore', 'em_min', 'obscore:Char.SpectralAxis.Coverage.Bounds.Limits.LoLimit', 'em.wl;stat.min', 'm', 'start in spectral coordinates', 'double', NULL, NULL, NULL, 1, 0, 1, 7);
INSERT INTO tap_schema.columns (table_name, column_name, utype, ucd, unit, description, datatype, arraysize, xtype, size, principal, indexed, std, column_index) VALUES ('ivoa.ObsCore', 'em_max', 'obscore:Char.SpectralAxis.Coverage.Bounds.Limits.HiLimit', 'em.wl;stat.max', 'm', 'stop in spectral coordinates', 'double', NULL, NULL, NULL, 1, 0, 1, 8);
INSERT INTO tap_schema.columns (table_name, column_name, utype, ucd, unit, description, datatype, arraysize, xtype, size, principal, indexed, std, column_index) VALUES ('ivoa.ObsCore', 'lsst_tract', NULL, 'meta.id', NULL, 'Upper level of LSST coadd skymap hierarchy', 'long', NULL, NULL, NULL, 1, 1, 0, 9);
INSERT INTO tap_schema.columns (table_name, column_name, utype, ucd, unit, description, datatype, arraysize, xtype, size, principal, indexed, std, column_index) VALUES ('ivoa.ObsCore', 'lsst_patch', NULL, 'meta.id.part', NULL, 'Lower level of LSST coadd skymap hierarchy', 'long', NULL, NULL, NULL, 1, 1, 0, 10);
INSERT INTO tap_schema.columns (table_name, column_name, utype, ucd, unit, description, datatype, arraysize, xtype, size, principal, indexed, std, column_index) VALUES ('ivoa.ObsCore', 'lsst_filter', NULL, 'meta.id;instr.filter', NULL, 'Physical filter designation from the LSSTCam filter set', 'char', '10*', NULL, 10, 1, 0, 0, 11);
INSERT INTO tap_schema.columns (table_name, column_name, utype, ucd, unit, description, datatype, arraysize, xtype, size, principal, indexed, std, column_index) VALUES ('ivoa.ObsCore', 'lsst_visit', NULL, 'meta.id;obs', NULL, 'Identifier for a specific LSSTCam pointing', 'long', NULL, NULL, NULL, 1, 1, 0, 12);
INSERT INTO tap_schema.columns (table_name, column_name, utype, ucd, unit, description, datatype, arraysize, xtype, size, principal, indexed, std, column_index) VALUES ('ivoa.ObsCore', 'lsst_detector', NULL, 'meta.id.part;instr.det', NULL, 'Identifier for CCD within the LSSTCam focal plane', 'long', NULL, NULL, NULL, 1, 1, 0, 13);
INSERT INTO tap_schema.columns (table_name, column_name, utype, ucd, unit, description, datatype, arraysize, xtype, size, principal, indexed, std, column_index) VALUES ('ivoa.ObsCore', 'instrument_name', 'obscore:Provenance.ObsConfig.Instrument.name', 'meta.id;instr', NULL, 'The name of the instrument used for the observation', 'char', '128*', NULL, 128, 1, 0, 1, 14);
INSERT INTO tap_schema.columns (table_name, column_name, utype, ucd, unit, description, datatype, arraysize, xtype, size, principal, indexed, std, column_index) VALUES ('ivoa.ObsCore', 't_min', 'obscore:Char.TimeAxis.Coverage.Bounds.Limits.StartTime', 'time.start;obs.exposure', 'd', 'Start time in MJD (UTC)', 'double', NULL, NULL, NULL, 1, 1, 1, 15);
INSERT INTO tap_schema.columns (table_name, column_name, utype, ucd, unit, description, datatype, arraysize, xtype, size, principal, indexed, std, column_index) VALUES ('ivoa.ObsCore', 't_max', 'obscore:Char.TimeAxis.Coverage.Bounds.Limits.StopTime', 'time.end;obs.exposure', 'd', 'Stop time in MJD (UTC)', 'double', NULL, NULL, NULL, 1, 1, 1, 16);
INSERT INTO tap_schema.columns (table_name, column_name, utype, ucd, unit, description, datatype, arraysize, xtype, size, principal, indexed, std, column_index) VALUES ('ivoa.ObsCore', 't_exptime', 'obscore:Char.TimeAxis.Coverage.Support.Extent', 'time.duration;obs.exposure', 's', 'Total exposure time', 'double', NULL, NULL, NULL, 1, 0, 1, 17);
INSERT INTO tap_schema.columns (table_name, column_name, utype, ucd, unit, description, datatype, arraysize, xtype, size, principal, indexed, std, column_index) VALUES ('ivoa.ObsCore', 's_fov', 'obscore:Char.SpatialAxis.Coverage.Bounds.Extent.diameter', 'phys.angSize;instr.fov', 'deg', 'Estimated size of the covered region as the diameter of a containing circle', 'double', NULL, NULL, NULL, 1, 0, 1, 18);
INSERT INTO tap_schema.columns (table_name, column_name, utype, ucd, unit, description, datatype, arraysize, xtype, size, principal, indexed, std, column_index) VALUES ('ivoa.ObsCore', 'obs_id', 'obscore:DataID.observationID', 'meta.id', NULL, 'Internal ID given by the ObsTAP service', 'char', '128*', NULL, 128, 1, 1, 1, 19);
INSERT INTO tap_schema.columns (table_name, column_name, utype, ucd, unit, description, datatype, arraysize, xtype, size, principal, indexed, std, column_index) VALUES ('ivoa.ObsCore', 'o_ucd', 'obscore:Char.ObservableAxis.ucd', 'meta.ucd', NULL, 'Nature of the observable axis', 'char', '32*', NULL, 32, 1, 0, 1, 20);
INSERT INTO tap_schema.columns (table_name, column_name, utype, ucd, unit, description, datatype, arraysize, xtype, size, principal, indexed, std, column_index) VALUES ('ivoa.ObsCore', 'facility_name', 'obscore:Provenance.ObsConfig.Facility.name', 'meta.id;instr.tel', NULL, 'The name of the facility, telescope, or space craft used for the observation', 'char', '128*', NULL, 128, 1, 0, 1, 21);
INSERT INTO tap_schema.columns (table_name, column_name, utype, ucd, unit, description, datatype, arraysize, xtype, size, principal, indexed, std, column_index) VALUES ('ivoa.ObsCore', 'obs_title', 'obscore:DataID.title', 'meta.title;obs', NULL, 'Brief description of dataset in free format', 'char', '256*', NULL, 256, 1, 0, 1, 22);
INSERT INTO tap_schema.columns (table_name, column_name, utype, ucd, unit, description, datatype, arraysize, xtype, size, principal, indexed, std, column_index) VALUES ('ivoa.ObsCore', 's_region', 'obscore:Char.SpatialAxis.Coverage.Support.Area', 'pos.outline;obs.field', NULL, 'Sky region covered by the data product (expressed in ICRS frame)', 'char', '*', 'adql:REGION', NULL, 1, 1, 1, 23);
INSERT INTO tap_schema.columns (table_name, column_name, utype, ucd, unit, description, datatype, arraysize, xtype, size, principal, indexed, std, column_index) VALUES ('ivoa.ObsCore', 'access_url', 'obscore:Access.reference', 'meta.ref.url', NULL, 'URL used to access dataset', 'char', '*', 'adql:clob', NULL, 1, 0, 1, 24);
INSERT INTO tap_schema.columns (table_name, column_name, utype, ucd, unit, description, datatype, arraysize, xtype, size, principal, indexed, std, column_index) VALUES ('ivoa.ObsCore', 'access_format', 'obscore:Access.format', 'meta.code.mime', NULL, 'Content format of the dataset', 'char', '128*', NULL, 128, 1, 0, 1, 25);
INSERT INTO tap_schema.columns (table_name, column_name, utype, ucd, unit, description, datatype, arraysize, xtype, size, principal, indexed, std, column_index) VALUES ('ivoa.ObsCore', 'access_estsize', 'obscore:Access.size', 'phys.size;meta.file', 'kbyte', 'Estimated size of the dataset', 'long', NULL, NULL, NULL, 1, 0, 1, 26);
INSERT INTO tap_schema.columns (table_name, column_name, utype, ucd, unit, description, datatype, arraysize, xtype, size, principal, indexed, std, column_index) VALUES ('ivoa.ObsCore', 'obs_publisher_did', 'obscore:Curation.publisherDID', 'meta.ref.ivoid', NULL, 'ID for the Dataset given by the publisher', 'char', '128*', NULL, 128, 0, 1, 1, 27);
INSERT INTO tap_schema.columns (table_name, column_name, utype, ucd, unit, description, datatype, arraysize, xtype, size, principal, indexed, std, column_index) VALUES ('ivoa.ObsCore', 'target_name', 'obscore:Target.name', 'meta.id;src', NULL, 'Object of interest', 'char', '32*', NULL, 32, 0, 0, 1, 28);
INSERT INTO tap_schema.columns (table_name, column_name, utype, ucd, unit, description, datatype, arraysize, xtype, size, principal, indexed, std, column_index) VALUES ('ivoa.ObsCore', 's_resolution', 'obscore:Char.SpatialAxis.Resolution.Refval.value', 'pos.angResolution', 'arcsec', 'Spatial resolution of data as FWHM of PSF', 'double', NULL, NULL, NULL, 0, 0, 1, 29);
INSERT INTO tap_schema.columns (table_name, column_name, utype, ucd, unit, description, datatype, arraysize, xtype, size, principal, indexed, std, column_index) VALUES ('ivoa.ObsCore', 's_xel1', 'obscore:Char.SpatialAxis.numBins1', 'meta.number', NULL, 'Number of elements along the first coordinate of the spatial axis', 'long', NULL, NULL, NULL, 0, 0, 1, 30);
INSERT INTO tap_schema.columns (table_name, column_name, utype, ucd, unit, description, datatype, arraysize, xtype, size, principal, indexed, std, column_index) VALUES ('ivoa.ObsCore', 's_xel2', 'obscore:Char.SpatialAxis.numBins2', 'meta.number', NULL, 'Number of elements along the second coordinate of the spatial axis', 'long', NULL, NULL, NULL, 0, 0, 1, 31);
INSERT INTO tap_schema.columns (table_name, column_name, utype, ucd, unit, description, datatype, arraysize, xtype, size, principal, indexed, std, column_index) VALUES ('ivoa.ObsCore', 't_resolution', 'obscore:Char.TimeAxis.Resolution.Refval.value', 'time.resolution', 's', 'Temporal resolution FWHM', 'double', NULL, NULL, NULL, 0, 0, 1, 32);
INSERT INTO tap_schema.columns (table_name, column_name, utype, ucd, unit, description, datatype, arraysize, xtype, size, principal, indexed, std, column_index) VALUES ('ivoa.ObsCore', 't_xel', 'obscore:Char.TimeAxis.numBins', 'meta.number', NULL, 'Number of elements along the time axis', 'long', NULL, NULL, NULL, 0, 0, 1, 33);
INSERT INTO tap_schema.columns (table_name, column_name, utype, ucd, unit, description, datatype, arraysize, xtype, size, principal, indexed, std, column_index) VALUES ('ivoa.ObsCore', 'pol_states', 'obscore:Char.PolarizationAxis.stateList', 'meta.code;phys.polarization', NULL, 'List of polarization states present in the data', 'char', '*', NULL, NULL, 0, 0, 1, 34);
INSERT INTO tap_schema.columns (table_name, column_name, utype, ucd, unit, description, datatype, arraysize, xtype, size, principal, indexed, std, column_index) VALUES ('ivoa.ObsCore', 'pol_xel', 'obscore:Char.PolarizationAxis.numBins', 'meta.number', NULL, 'Number of elements along the polarization axis', 'long', NULL, NULL, NULL, 0, 0, 1, 35);
INSERT INTO tap_schema.columns (table_name, column_name, utype, ucd, unit, description, datatype, arraysize, xtype, size, principal, indexed, std, column_index) VALUES ('ivoa.ObsCore', 'em_xel', 'obscore:Char.SpectralAxis.numBins', 'meta.number', NULL, 'Number of elements along the spectral axis', 'long', NULL, NULL, NULL, 0, 0, 1, 36);
INSERT INTO tap_schema.columns (table_name, column_name, utype, ucd, unit, description, datatype, arraysize, xtype, size, principal, indexed, std, column_index) VALUES ('ivoa.ObsCore', 'em_res_power', 'obscore:Char.SpectralAxis.Resolution.ResolPower.refVal', 'spect.resolution', NULL, 'Value of the resolving power along the spectral axis (R)', 'double', NULL, NULL, NULL, 0, 0, 1, 37);
INSERT INTO tap_schema.columns (table_name, column_name, utype, ucd, unit, description, datatype, arraysize, xtype, size, principal, indexed, std, column_index) VALUES ('tap_schema.schemas', 'schema_name', NULL, NULL, NULL, 'Schema name, as used in queries', 'char', '64*', NULL, 64, 1, 0, 1, 0);
INSERT INTO tap_schema.columns (table_name, column_name, utype, ucd, unit, description, datatype, arraysize, xtype, size, principal, indexed, std, column_index) VALUES ('tap_schema.schemas', 'utype', NULL, NULL, NULL, 'Utype of the schema', 'char', '512*', NULL, 512, 0, 0, 1, 1);
INSERT INTO tap_schema.columns (table_name, column_name, utype, ucd, unit, description, datatype, arraysize, xtype, size, principal, indexed, std, column_index) VALUES ('tap_schema.schemas', 'description', NULL, NULL, NULL, 'Describes the schema', 'char', '512*', NULL, 512, 1, 0, 1, 2);
INSERT INTO tap_schema.columns (table_name, column_name, utype, ucd, unit, description, datatype, arraysize, xtype, size, principal, indexed, std, column_index) VALUES ('tap_schema.schemas', 'schema_index', NULL, NULL, NULL, 'Recommended order of schemas for display', 'int', NULL, NULL, NULL, 0, 0, 1, 3);
INSERT INTO tap_schema.columns (table_name, column_name, utype, ucd, unit, description, datatype, arraysize, xtype, size, principal, indexed, std, column_index) VALUES ('tap_schema.tables', 'schema_name', NULL, NULL, NULL, 'Schema the table belongs to', 'char', '64*', NULL, 64, 1, 0, 1, 0);
INSERT INTO tap_schema.columns (table_name, column_name, utype, ucd, unit, description, datatype, arraysize, xtype, size, principal, indexed, std, column_index) VALUES ('tap_schema.tables', 'table_name', NULL, NULL, NULL, 'Qualified table name, as used in queries', 'char', '128*', NULL, 128, 1, 0, 1, 1);
INSERT INTO tap_schema.columns (table_name, column_name, utype, ucd, unit, description, datatype, arraysize, xtype, size, principal, indexed, std, column_index) VALUES ('tap_schema.tables', 'table_type', NULL, NULL, NULL, '''table'' or ''view''', 'char', '8*', NULL, 8, 1, 0, 1, 2);
INSERT INTO tap_schema.columns (table_name, column_name, utype, ucd, unit, description, datatype, arraysize, xtype, size, principal, indexed, std, column_index) VALUES ('tap_schema.tables', 'utype', NULL, NULL, NULL, 'Utype of the table', 'char', '512*', NULL, 512, 0, 0, 1, 3);
INSERT INTO tap_schema.columns (table_name, column_name, utype, ucd, unit, description, datatype, arraysize, xtype, size, principal, indexed, std, column_index) VALUES ('tap_schema.tables', 'description', NULL, NULL, NULL, 'Describes the table', 'char', '512*', NULL, 512, 1, 0, 1, 4);
INSERT INTO tap_schema.columns (table_name, column_name, utype, ucd, unit, description, datatype, arraysize, xtype, size, principal, indexed, std, column_index) VALUES ('tap_schema.tables', 'table_index', NULL, NULL, NULL, 'Recommended order of tables for display', 'int', NULL, NULL, NULL, 0, 0, 1, 5);
INSERT INTO tap_schema.columns (table_name, column_name, utype, ucd, unit, description, datatype, arraysize, xtype, size, principal, indexed, std, column_index) VALUES ('tap_schema.columns', 'table_name', NULL, NULL, NULL, 'Qualified name of the table the column belongs to', 'char', '128*', NULL, 128, 1, 0, 1, 0);
INSERT INTO tap_schema.columns (table_name, column_name, utype, ucd, unit, description, datatype, arraysize, xtype, size, principal, indexed, std, column_index) VALUES ('tap_schema.columns', 'column_name', NULL, NULL, NULL, 'Column name, as used in queries', 'char', '64*', NULL, 64, 1, 0, 1, 1);
INSERT INTO tap_schema.columns (table_name, column_name, utype, ucd, unit, description, datatype, arraysize, xtype, size, principal, indexed, std, column_index) VALUES ('tap_schema.columns', 'utype', NULL, NULL, NULL, 'Utype of the column', 'char', '512*', NULL, 512, 0, 0, 1, 2);
INSERT INTO tap_schema.columns (table_name, column_name, utype, ucd, unit, description, datatype, arraysize, xtype, size, principal, indexed, std, column_index) VALUES ('tap_schema.columns', 'ucd', NULL, NULL, NULL, 'UCD of the column', 'char', '64*', NULL, 64, 1, 0, 1, 3);
INSERT INTO tap_schema.columns (table_name, column_name, utype, ucd, unit, description, datatype, arraysize, xtype, size, principal, indexed, std, column_index) VALUES ('tap_schema.columns', 'unit', NULL, NULL, NULL, 'Unit in VOUnit syntax', 'char', '64*', NULL, 64, 1, 0, 1, 4);
INSERT INTO tap_schema.columns (table_name, column_name, utype, ucd, unit, description, datatype, arraysize, xtype, size, principal, indexed, std, column_index) VALUES ('tap_schema.columns', 'description', NULL, NULL, NULL, 'Describes the column', 'char', '512*', NULL, 512, 1, 0, 1, 5);
INSERT INTO tap_schema.columns (table_name, column_name, utype, ucd, unit, description, datatype, arraysize, xtype, size, principal, indexed, std, column_index) VALUES ('tap_schema.columns', 'datatype', NULL, NULL, NULL, 'VOTable datatype of the column', 'char', '64*', NULL, 64, 1, 0, 1, 6);
INSERT INTO tap_schema.columns (table_name, column_name, utype, ucd, unit, description, datatype, arraysize, xtype, size, principal, indexed, std, column_index) VALUES ('tap_schema.columns', 'arraysize', NULL, NULL, NULL, 'VOTable arraysize of the column', 'char', '16*', NULL, 16, 0, 0, 1, 7);
INSERT INTO tap_schema.columns (table_name, column_name, utype, ucd, unit, description, datatype, arraysize, xtype, size, principal, indexed, std, column_index) VALUES ('tap_schema.columns', 'xtype', NULL, NULL, NULL, 'VOTable xtype of the column', 'char', '64*', NULL, 64, 0, 0, 1, 8);
INSERT INTO tap_schema.columns (table_name, column_name, utype, ucd, unit, description, datatype, arraysize, xtype, size, principal, indexed, std, column_index) VALUES ('tap_schema.columns', '"size"', NULL, NULL, NULL, 'Deprecated length of variable-length columns (TAP 1.0)', 'int', NULL, NULL, NULL, 0, 0, 1, 9);
INSERT INTO tap_schema.columns (table_name, column_name, utype, ucd, unit, description, datatype, arraysize, xtype, size, principal, indexed, std, column_index) VALUES ('tap_schema.columns', 'principal', NULL, NULL, NULL, '1 if the column is principal, else 0', 'int', NULL, NULL, NULL, 1, 0, 1, 10);
INSERT INTO tap_schema.columns (table_name, column_name, utype, ucd, unit, description, datatype, arraysize, xtype, size, principal, indexed, std, column_index) VALUES ('tap_schema.columns', 'indexed', NULL, NULL, NULL, '1 if the column is indexed, else 0', 'int', NULL, NULL, NULL, 1, 0, 1, 11);
INSERT INTO tap_schema.columns (table_name, column_name, utype, ucd, unit, description, datatype, arraysize, xtype, size, principal, indexed, std, column_index) VALUES ('tap_schema.columns', 'std', NULL, NULL, NULL, '1 if the column is defined by a standard, else 0', 'int', NULL, NULL, NULL, 1, 0, 1, 12);
INSERT INTO tap_schema.columns (table_name, column_name, utype, ucd, unit, description, datatype, arraysize, xtype, size, principal, indexed, std, column_index) VALUES ('tap_schema.columns', 'column_index', NULL, NULL, NULL, 'Recommended order of columns for display', 'int', NULL, NULL, NULL, 0, 0, 1, 13);
INSERT INTO tap_schema.columns (table_name, column_name, utype, ucd, unit, description, datatype, arraysize, xtype, size, principal, indexed, std, column_index) VALUES ('tap_schema.keys', 'key_id', NULL, NULL, NULL, 'Unique key identifier', 'char', '64*', NULL, 64, 1, 0, 1, 0);
INSERT INTO tap_schema.columns (table_name, column_name, utype, ucd, unit, description, datatype, arraysize, xtype, size, principal, indexed, std, column_index) VALUES ('tap_schema.keys', 'from_table', NULL, NULL, NULL, 'Table with the foreign key', 'char', '128*', NULL, 128, 1, 0, 1, 1);
INSERT INTO tap_schema.columns (table_name, column_name, utype, ucd, unit, description, datatype, arraysize, xtype, size, principal, indexed, std, column_index) VALUES ('tap_schema.keys', 'target_table', NULL, NULL, NULL, 'Table with the primary key', 'char', '128*', NULL, 128, 1, 0, 1, 2);
INSERT INTO tap_schema.columns (table_name, column_name, utype, ucd, unit, description, datatype, arraysize, xtype, size, principal, indexed, std, column_index) VALUES ('tap_schema.keys', 'utype', NULL, NULL, NULL, 'Utype of the key', 'char', '512*', NULL, 512, 0, 0, 1, 3);
INSERT INTO tap_schema.columns (table_name, column_name, utype, ucd, unit, description, datatype, arraysize, xtype, size, principal, indexed, std, column_index) VALUES ('tap_schema.keys', 'description', NULL, NULL, NULL, 'Describes the key', 'char', '512*', NULL, 512, 1, 0, 1, 4);
INSERT INTO tap_schema.columns (table_name, column_name, utype, ucd, unit, description, datatype, arraysize, xtype, size, principal, indexed, std, column_index) VALUES ('tap_schema.key_columns', 'key_id', NULL, NULL, NULL, 'Key identifier from TAP_SCHEMA.keys', 'char', '64*', NULL, 64, 1, 0, 1, 0);
INSERT INTO tap_schema.columns (table_name, column_name, utype, ucd, unit, description, datatype, arraysize, xtype, size, principal, indexed, std, column_index) VALUES ('tap_schema.key_columns', 'from_column', NULL, NULL, NULL, 'Column in the from_table', 'char', '64*', NULL, 64, 1, 0, 1, 1);
INSERT INTO tap_schema.columns (table_name, column_name, utype, ucd, unit, description, datatype, arraysize, xtype, size, principal, indexed, std, column_index) VALUES ('tap_schema.key_columns', 'target_column', NULL, NULL, NULL, 'Column in the target_table', 'char', '64*', NULL, 64, 1, 0, 1, 2);


--
-- Data for Name: key_columns; Type: TABLE DATA; Schema: tap_schema; Owner: -
--

INSERT INTO tap_schema.key_columns (key_id, from_column, target_column) VALUES ('tables_schema', 'schema_name', 'schema_name');
INSERT INTO tap_schema.key_columns (key_id, from_column, target_column) VALUES ('columns_table', 'table_name', 'table_name');
INSERT INTO tap_schema.key_columns (key_id, from_column, target_column) VALUES ('keys_from', 'from_table', 'table_name');
INSERT INTO tap_schema.key_columns (key_id, from_column, target_column) VALUES ('keys_target', 'target_table', 'table_name');
INSERT INTO tap_schema.key_columns (key_id, from_column, target_column) VALUES ('key_columns_key', 'key_id', 'key_id');


--
-- Data for Name: keys; Type: TABLE DATA; Schema: tap_schema; Owner: -
--

INSERT INTO tap_schema.keys (key_id, from_table, target_table, utype, description) VALUES ('tables_schema', 'tap_schema.tables', 'tap_schema.schemas', NULL, 'Each table belongs to a schema');
INSERT INTO tap_schema.keys (key_id, from_table, target_table, utype, description) VALUES ('columns_table', 'tap_schema.columns', 'tap_schema.tables', NULL, 'Each column belongs to a table');
INSERT INTO tap_schema.keys (key_id, from_table, target_table, utype, description) VALUES ('keys_from', 'tap_schema.keys', 'tap_schema.tables', NULL, 'The table a key starts from');
INSERT INTO tap_schema.keys (key_id, from_table, target_table, utype, description) VALUES ('keys_target', 'tap_schema.keys', 'tap_schema.tables', NULL, 'The table a key points to');
INSERT INTO tap_schema.keys (key_id, from_table, target_table, utype, description) VALUES ('key_columns_key', 'tap_schema.key_columns', 'tap_schema.keys', NULL, 'Each key column belongs to a key');


--
-- Data for Name: schemas; Type: TABLE DATA; Schema: tap_schema; Owner: -
--

INSERT INTO tap_schema.schemas (schema_name, utype, description, schema_index) VALUES ('ivoa', NULL, 'IVOA-defined tables: the ObsCore 1.1 image metadata table', 0);
INSERT INTO tap_schema.schemas (schema_name, utype, description, schema_index) VALUES ('tap_schema', NULL, 'The TAP 1.1 metadata tables describing this service', 1);


--
-- Data for Name: tables; Type: TABLE DATA; Schema: tap_schema; Owner: -
--

INSERT INTO tap_schema.tables (schema_name, table_name, table_type, utype, description, table_index) VALUES ('ivoa', 'ivoa.ObsCore', 'table', 'ivo://ivoa.net/std/ObsCore#table-1.1', 'ObsCore 1.1: one row per image product of the archive', 0);
INSERT INTO tap_schema.tables (schema_name, table_name, table_type, utype, description, table_index) VALUES ('tap_schema', 'tap_schema.schemas', 'table', NULL, 'Schemas published by this service', 1);
INSERT INTO tap_schema.tables (schema_name, table_name, table_type, utype, description, table_index) VALUES ('tap_schema', 'tap_schema.tables', 'table', NULL, 'Tables published by this service', 2);
INSERT INTO tap_schema.tables (schema_name, table_name, table_type, utype, description, table_index) VALUES ('tap_schema', 'tap_schema.columns', 'table', NULL, 'Columns of the published tables', 3);
INSERT INTO tap_schema.tables (schema_name, table_name, table_type, utype, description, table_index) VALUES ('tap_schema', 'tap_schema.keys', 'table', NULL, 'Foreign keys between the published tables', 4);
INSERT INTO tap_schema.tables (schema_name, table_name, table_type, utype, description, table_index) VALUES ('tap_schema', 'tap_schema.key_columns', 'table', NULL, 'Columns of the foreign keys', 5);


--
-- Name: ObsCore_obscore_id_seq; Type: SEQUENCE SET; Schema: ivoa; Owner: -
--

SELECT pg_catalog.setval('ivoa."ObsCore_obscore_id_seq"', 10, true);


--
-- Name: ObsCore ObsCore_pkey; Type: CONSTRAINT; Schema: ivoa; Owner: -
--

ALTER TABLE ONLY ivoa."ObsCore"
    ADD CONSTRAINT "ObsCore_pkey" PRIMARY KEY (obscore_id);


--
-- Name: uws_job_parameter uws_job_parameter_pkey; Type: CONSTRAINT; Schema: obscura; Owner: -
--

ALTER TABLE ONLY obscura.uws_job_parameter
    ADD CONSTRAINT uws_job_parameter_pkey PRIMARY KEY (job_id, "position");


--
-- Name: uws_job uws_job_pkey; Type: CONSTRAINT; Schema: obscura; Owner: -
--

ALTER TABLE ONLY obscura.uws_job
    ADD CONSTRAINT uws_job_pkey PRIMARY KEY (job_id);


--
-- Name: uws_job_result uws_job_result_id; Type: CONSTRAINT; Schema: obscura; Owner: -
--

ALTER TABLE ONLY obscura.uws_job_result
    ADD CONSTRAINT uws_job_result_id UNIQUE (job_id, result_id);


--
-- Name: uws_job_result uws_job_result_pkey; Type: CONSTRAINT; Schema: obscura; Owner: -
--

ALTER TABLE ONLY obscura.uws_job_result
    ADD CONSTRAINT uws_job_result_pkey PRIMARY KEY (job_id, "position");


--
-- Name: obscore_calib_level_idx; Type: INDEX; Schema: ivoa; Owner: -
--

CREATE INDEX obscore_calib_level_idx ON ivoa."ObsCore" USING btree (calib_level);


--
-- Name: obscore_dataproduct_subtype_idx; Type: INDEX; Schema: ivoa; Owner: -
--

CREATE INDEX obscore_dataproduct_subtype_idx ON ivoa."ObsCore" USING btree (dataproduct_subtype);


--
-- Name: obscore_lsst_band_idx; Type: INDEX; Schema: ivoa; Owner: -
--

CREATE INDEX obscore_lsst_band_idx ON ivoa."ObsCore" USING btree (lsst_band);


--
-- Name: obscore_lsst_detector_idx; Type: INDEX; Schema: ivoa; Owner: -
--

CREATE INDEX obscore_lsst_detector_idx ON ivoa."ObsCore" USING btree (lsst_detector);


--
-- Name: obscore_lsst_patch_idx; Type: INDEX; Schema: ivoa; Owner: -
--

CREATE INDEX obscore_lsst_patch_idx ON ivoa."ObsCore" USING btree (lsst_patch);


--
-- Name: obscore_lsst_tract_idx; Type: INDEX; Schema: ivoa; Owner: -
--

CREATE INDEX obscore_lsst_tract_idx ON ivoa."ObsCore" USING btree (lsst_tract);


--
-- Name: obscore_lsst_visit_idx; Type: INDEX; Schema: ivoa; Owner: -
--

CREATE INDEX obscore_lsst_visit_idx ON ivoa."ObsCore" USING btree (lsst_visit);


--
-- Name: obscore_obs_id_idx; Type: INDEX; Schema: ivoa; Owner: -
--

CREATE INDEX obscore_obs_id_idx ON ivoa."ObsCore" USING btree (obs_id);


--
-- Name: obscore_publisher_did_idx; Type: INDEX; Schema: ivoa; Owner: -
--

CREATE UNIQUE INDEX obscore_publisher_did_idx ON ivoa."ObsCore" USING btree (obs_publisher_did);


--
-- Name: obscore_s_point_idx; Type: INDEX; Schema: ivoa; Owner: -
--

CREATE INDEX obscore_s_point_idx ON ivoa."ObsCore" USING gist (s_point);


--
-- Name: obscore_s_poly_idx; Type: INDEX; Schema: ivoa; Owner: -
--

CREATE INDEX obscore_s_poly_idx ON ivoa."ObsCore" USING gist (s_poly);


--
-- Name: obscore_t_max_idx; Type: INDEX; Schema: ivoa; Owner: -
--

CREATE INDEX obscore_t_max_idx ON ivoa."ObsCore" USING btree (t_max);


--
-- Name: obscore_t_min_idx; Type: INDEX; Schema: ivoa; Owner: -
--

CREATE INDEX obscore_t_min_idx ON ivoa."ObsCore" USING btree (t_min);


--
-- Name: uws_job_destruction; Type: INDEX; Schema: obscura; Owner: -
--

CREATE INDEX uws_job_destruction ON obscura.uws_job USING btree (destruction_time);


--
-- Name: uws_job_owner_creation; Type: INDEX; Schema: obscura; Owner: -
--

CREATE INDEX uws_job_owner_creation ON obscura.uws_job USING btree (owner, creation_time);


--
-- Name: uws_job uws_job_phase_notify; Type: TRIGGER; Schema: obscura; Owner: -
--

CREATE TRIGGER uws_job_phase_notify AFTER DELETE OR UPDATE OF phase ON obscura.uws_job FOR EACH ROW EXECUTE FUNCTION obscura.uws_job_notify();


--
-- Name: uws_job_parameter uws_job_parameter_job_id_fkey; Type: FK CONSTRAINT; Schema: obscura; Owner: -
--

ALTER TABLE ONLY obscura.uws_job_parameter
    ADD CONSTRAINT uws_job_parameter_job_id_fkey FOREIGN KEY (job_id) REFERENCES obscura.uws_job(job_id) ON DELETE CASCADE;


--
-- Name: uws_job_result uws_job_result_job_id_fkey; Type: FK CONSTRAINT; Schema: obscura; Owner: -
--

ALTER TABLE ONLY obscura.uws_job_result
    ADD CONSTRAINT uws_job_result_job_id_fkey FOREIGN KEY (job_id) REFERENCES obscura.uws_job(job_id) ON DELETE CASCADE;


--
-- PostgreSQL database dump complete
--


