-- bench/scale/memory.sql: the subject cache's memory per backend, and its
-- bounds (members.subject_cache_size subjects, members.subject_cache_memory
-- kilobytes).  Variable :sweep (distinct users checked per setting).
--
-- For each setting, one backend checks :sweep distinct members of the big
-- organization one after the other (members.authorize_user, so each is a
-- new subject; every tenth also an any_org check, which adds the subject's
-- lazily built any_org table), and after every check reads
-- members.subject_cache_info().  It records the most subjects and bytes
-- seen, and counts the checks after which the cache held more subjects than
-- the size bound, or more bytes than the memory bound while holding more
-- than one subject (a single subject larger than the bound is still
-- cached: the cache then holds that one alone).  At the end it reads the
-- "members subject cache" context and its children from
-- pg_backend_memory_contexts.  Then the cache is filled close to its memory
-- bound and every cached subject gets an any_org check, which builds no
-- subject, and the memory is read again.
\set ON_ERROR_STOP 1
SET scale.sweep = :sweep;

CREATE TABLE scale.memory (id serial PRIMARY KEY, label text NOT NULL, size_bound integer NOT NULL,
						   memory_bound_kb integer NOT NULL, checks integer NOT NULL,
						   max_subjects bigint NOT NULL, max_bytes bigint NOT NULL,
						   end_subjects bigint NOT NULL, end_bytes bigint NOT NULL,
						   ctx_bytes bigint, ctx_count integer,
						   over_size integer NOT NULL, over_memory integer NOT NULL);

-- The cache context and its descendants in this backend's
-- pg_backend_memory_contexts (a depth-first listing: the subtree is the
-- rows after it down to the next one at its level or above).
CREATE FUNCTION scale.cache_contexts(OUT bytes bigint, OUT contexts integer) LANGUAGE sql AS $$
	WITH c AS (SELECT * FROM pg_get_backend_memory_contexts() WITH ORDINALITY c(name, ident, parent, level,
				   total_bytes, total_nblocks, free_bytes, free_chunks, used_bytes, o)),
		 root AS (SELECT o, level FROM c WHERE name = 'members subject cache' ORDER BY o LIMIT 1),
		 stop AS (SELECT coalesce(min(c.o), 2147483647) AS o FROM c, root WHERE c.o > root.o AND c.level <= root.level)
	SELECT sum(c.total_bytes)::bigint, count(*)::integer
	  FROM c, root, stop WHERE c.o >= root.o AND c.o < stop.o
$$;

CREATE FUNCTION scale.cache_sweep(label text, nusers integer, size integer, mem_kb integer, extra uuid DEFAULT NULL)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
	s scale.settings;
	u uuid;
	ok boolean;
	subjects bigint;
	bytes bigint;
	max_subjects bigint := 0;
	max_bytes bigint := 0;
	over_size integer := 0;
	over_memory integer := 0;
	i integer := 0;
	ctx record;
BEGIN
	SELECT * INTO s FROM scale.settings;
	PERFORM set_config('members.subject_cache_size', size::text, true);
	PERFORM set_config('members.subject_cache_memory', mem_kb::text, true);
	PERFORM members.subject_cache_clear();
	FOR u IN SELECT b.id FROM scale.big_users b WHERE b.n <= nusers ORDER BY b.n LOOP
		i := i + 1;
		ok := members.authorize_user(u, 'read', 'workspace', s.big, u);
		IF i % 10 = 0 THEN
			ok := members.authorize_user(u, 'read', 'workspace', NULL, NULL, true);
		END IF;
		-- a subject larger than everything else, now and then
		IF extra IS NOT NULL AND i % 50 = 0 THEN
			ok := members.authorize_user(extra, 'read', 'workspace', s.roles_org, extra);
		END IF;
		SELECT c.subjects, c.bytes INTO subjects, bytes FROM members.subject_cache_info() c;
		max_subjects := greatest(max_subjects, subjects);
		max_bytes := greatest(max_bytes, bytes);
		IF subjects > size THEN
			over_size := over_size + 1;
		END IF;
		IF bytes > mem_kb::bigint * 1024 AND subjects > 1 THEN
			over_memory := over_memory + 1;
		END IF;
	END LOOP;
	SELECT * INTO ctx FROM scale.cache_contexts();
	INSERT INTO scale.memory (label, size_bound, memory_bound_kb, checks, max_subjects, max_bytes,
							  end_subjects, end_bytes, ctx_bytes, ctx_count, over_size, over_memory)
	SELECT label, size, mem_kb, i, max_subjects, max_bytes, c.subjects, c.bytes, ctx.bytes, ctx.contexts,
		   over_size, over_memory
	  FROM members.subject_cache_info() c;
END
$$;

-- One subject alone, per kind.
CREATE TABLE scale.subject_sizes (label text NOT NULL, bytes bigint NOT NULL, any_org_bytes bigint NOT NULL);
DO $$
DECLARE
	s scale.settings;
	member uuid;
	ok boolean;
	b1 bigint;
BEGIN
	SELECT * INTO s FROM scale.settings;
	SELECT id INTO member FROM scale.big_users WHERE n = 7;
	PERFORM members.subject_cache_clear();
	ok := members.authorize_user(member, 'read', 'workspace', s.big, member);
	SELECT c.bytes INTO b1 FROM members.subject_cache_info() c;
	ok := members.authorize_user(member, 'read', 'workspace', NULL, NULL, true);
	INSERT INTO scale.subject_sizes SELECT 'a member of the big organization (1 organization)', b1, c.bytes
	  FROM members.subject_cache_info() c;
	PERFORM members.subject_cache_clear();
	ok := members.authorize_user(s.multi, 'read', 'workspace', s.roles_org, s.multi);
	SELECT c.bytes INTO b1 FROM members.subject_cache_info() c;
	ok := members.authorize_user(s.multi, 'read', 'workspace', NULL, NULL, true);
	INSERT INTO scale.subject_sizes SELECT format('the user in %s organizations, 3 roles each', s.orgs), b1, c.bytes
	  FROM members.subject_cache_info() c;
	PERFORM members.subject_cache_clear();
END
$$;

DO $$ BEGIN PERFORM scale.cache_sweep('defaults (1000 subjects, 64MB)', current_setting('scale.sweep')::integer, 1000, 65536); END $$;
DO $$ BEGIN PERFORM scale.cache_sweep('size bound low (100 subjects)', current_setting('scale.sweep')::integer, 100, 65536); END $$;
DO $$ BEGIN PERFORM scale.cache_sweep('memory bound low (1MB)', current_setting('scale.sweep')::integer, 1000000, 1024); END $$;
DO $$ BEGIN PERFORM scale.cache_sweep('memory bound at its minimum (64kB), with the 1000-org subject (larger than the bound) every 50th check',
						 current_setting('scale.sweep')::integer / 4, 1000000, 64,
						 (SELECT multi FROM scale.settings)); END $$;
DO $$ BEGIN PERFORM scale.cache_sweep('both bounds high (1,000,000 subjects, 1GB): every subject stays',
						 current_setting('scale.sweep')::integer, 1000000, 1048576); END $$;

-- Fill close to a memory bound without any_org checks, then an any_org
-- check on every cached subject (no new subject is built).
CREATE FUNCTION scale.fill_then_any_org(mem_kb integer) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
	s scale.settings;
	ok boolean;
	k integer := 0;
	filled bigint;
	max_bytes bigint;
	over integer := 0;
	c record;
	x record;
BEGIN
	SELECT * INTO s FROM scale.settings;
	PERFORM set_config('members.subject_cache_size', '1000000', true);
	PERFORM set_config('members.subject_cache_memory', mem_kb::text, true);
	PERFORM members.subject_cache_clear();
	LOOP
		k := k + 1;
		ok := members.authorize_user((SELECT id FROM scale.big_users b WHERE b.n = k),
									 'read', 'workspace', s.big, NULL);
		EXIT WHEN (SELECT i.bytes FROM members.subject_cache_info() i) > mem_kb::bigint * 1024 - 16384;
	END LOOP;
	SELECT i.subjects, i.bytes INTO filled, max_bytes FROM members.subject_cache_info() i;
	FOR i IN k - filled + 1 .. k LOOP
		ok := members.authorize_user((SELECT id FROM scale.big_users b WHERE b.n = i),
									 'read', 'workspace', NULL, NULL, true);
		SELECT * INTO c FROM members.subject_cache_info();
		max_bytes := greatest(max_bytes, c.bytes);
		IF c.bytes > mem_kb::bigint * 1024 AND c.subjects > 1 THEN
			over := over + 1;
		END IF;
	END LOOP;
	SELECT * INTO c FROM members.subject_cache_info();
	SELECT * INTO x FROM scale.cache_contexts();
	INSERT INTO scale.memory (label, size_bound, memory_bound_kb, checks, max_subjects, max_bytes,
							  end_subjects, end_bytes, ctx_bytes, ctx_count, over_size, over_memory)
	VALUES (format('memory bound %s kB: filled to within 16 kB by %s checks, then an any_org check of each of the %s cached subjects',
				   mem_kb, k, filled),
			1000000, mem_kb, k + filled, filled, max_bytes, c.subjects, c.bytes,
			x.bytes, x.contexts, 0, over);
END
$$;
DO $$ BEGIN PERFORM scale.fill_then_any_org(1024); END $$;

\echo
\echo 'Subject cache memory: one subject alone (members.subject_cache_info(), bytes of the cache context and its children)'
SELECT label AS "subject", bytes, any_org_bytes AS "after an any_org check" FROM scale.subject_sizes;
\echo 'Bounds: after every check, subjects <= members.subject_cache_size, and bytes <= members.subject_cache_memory unless one subject alone is cached'
SELECT label AS "setting", checks,
	   max_subjects AS "most subjects", pg_size_pretty(max_bytes) AS "most bytes",
	   pg_size_pretty(memory_bound_kb::bigint * 1024) AS "memory bound",
	   end_subjects AS "subjects at end", end_bytes AS "bytes at end",
	   ctx_bytes AS "pg_backend_memory_contexts bytes", ctx_count AS "contexts",
	   over_size + over_memory AS "checks over a bound"
  FROM scale.memory ORDER BY id;

INSERT INTO scale.checks (ok, what)
SELECT m.over_size = 0 AND m.over_memory = 0 AND m.max_subjects <= m.size_bound,
	   format('scale: subject cache, %s: %s checks, at most %s subjects and %s bytes (bounds %s subjects, %s kB); '
			  'never more subjects than the size bound, never more bytes than the memory bound with more than one subject',
			  m.label, m.checks, m.max_subjects, m.max_bytes, m.size_bound, m.memory_bound_kb)
  FROM scale.memory m ORDER BY m.id;
INSERT INTO scale.checks (ok, what)
SELECT m.ctx_bytes = m.end_bytes,
	   format('scale: subject cache, %s: members.subject_cache_info() bytes (%s) equal the "members subject cache" context tree of pg_backend_memory_contexts (%s bytes, %s contexts)',
			  m.label, m.end_bytes, m.ctx_bytes, m.ctx_count)
  FROM scale.memory m ORDER BY m.id;
