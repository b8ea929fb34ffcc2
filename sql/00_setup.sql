-- Roles used by every suite, and the extension itself.
SET client_min_messages = warning;
DROP ROLE IF EXISTS members_app;
DROP ROLE IF EXISTS members_plain;
DROP ROLE IF EXISTS members_service;
CREATE ROLE members_service NOLOGIN;
CREATE ROLE members_app LOGIN IN ROLE members_service;
CREATE ROLE members_plain LOGIN;
RESET client_min_messages;

CREATE EXTENSION members;

-- Callers need EXECUTE (granted by the DBA, never to PUBLIC) and USAGE.
GRANT USAGE ON SCHEMA members TO members_service, members_plain;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA members TO members_service, members_plain;

SELECT extname, extversion, extrelocatable, extnamespace::regnamespace
  FROM pg_extension WHERE extname = 'members';
