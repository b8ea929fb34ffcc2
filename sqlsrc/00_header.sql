-- members--1.1.sql: install script of the members extension, built by make
-- from the files sqlsrc/NN_layer.sql in name order; edit those, not the built script.

-- complain if script is sourced in psql, rather than via CREATE EXTENSION
\echo Use "CREATE EXTENSION members" to load this file. \quit
