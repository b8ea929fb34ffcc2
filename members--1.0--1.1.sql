/*
 * members--1.0--1.1.sql: upgrade a 1.0 installation to 1.1.
 *
 * Every change to SQL objects between 1.0 and 1.1 is here, in the order it
 * was made; tests/suites/upgrade.sh checks that a 1.0 database updated with
 * this script has exactly the catalog of a fresh 1.1 install (functions,
 * tables, constraints, indexes, triggers, comments, ACLs, extconfig).
 */

-- complain if script is sourced in psql, rather than via ALTER EXTENSION
\echo Use "ALTER EXTENSION members UPDATE TO '1.1'" to load this file. \quit

-- Comments cite files of the repository (docs/coder-behaviour.md).
COMMENT ON FUNCTION @extschema@.set_workspace_sharing(text, boolean) IS
	'Switch an organization''s workspace sharing (what organization-member grants, see docs/coder-behaviour.md 4.4); needs update on the organization; returns the Organization object.';
