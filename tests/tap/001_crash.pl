
# Crash: five clients change members through members.*
# functions (users created; members added with a role in one transaction
# and removed; organization roles cycled; custom roles created, assigned
# and deleted while assigned; site roles cycled), each recording every
# transaction it saw commit.  Mid-load the postmaster and every server
# process are killed with SIGKILL (no process gets to finish anything), and
# the server is restarted (crash recovery from WAL).  Then:
#   - every change a client saw commit is present, each key holds exactly
#     the state of its last committed change, and the one transaction per
#     client in flight at the kill is either wholly there or wholly absent
#     (with its audit rows);
#   - an open transaction is gone and a prepared one survived and commits;
#   - every constraint holds: each CHECK re-evaluated on every row, each
#     foreign key re-checked by query, amcheck on every heap and btree
#     (heapallindexed), REINDEX of the schema (unique indexes rebuilt);
#     every stored role name names an existing role;
#   - the extension works: checks agree with the stored roles, the cache
#     follows changes, the audit worker writes refusals.
#
# Run alone (as root, extension installed): bash tests/suites/tap.sh 001_crash.pl
# (as a non-root user: make tap-installcheck PROVE_TESTS=tests/tap/001_crash.pl)
use strict;
use warnings FATAL => 'all';

use FindBin;
use lib $FindBin::Bin;

use IPC::Run;
use POSIX ();
use Time::HiRes qw(usleep);
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use MembersTap;

# Acknowledged transactions each client must have seen before the kill.
my $MIN_ACKED = 300;
my $NA = 40;    # pool of users added to and removed from alpha
my $NR = 30;    # beta members whose roles cycle
my $NQ = 20;    # beta members given custom roles
my $NS = 30;    # users whose site roles cycle

my $node = members_node('crash');
$node->append_conf('postgresql.conf', "max_prepared_transactions = 5\n");
$node->start;
members_setup($node, 'postgres');
$node->safe_psql(
	'postgres', qq{
SET client_min_messages = warning;
SELECT members.create_organization('alpha') IS NOT NULL;
SELECT members.create_organization('beta') IS NOT NULL;
SELECT count(members.create_user(p || g, p || g || '\@example.com'))
  FROM (VALUES ('a', $NA), ('r', $NR), ('q', $NQ), ('s', $NS), ('x', 3)) AS t(p, n),
       generate_series(0, n - 1) AS g;
SELECT count(members.add_organization_member('beta', u.username))
  FROM members.users u WHERE u.username ~ '^[rqx][0-9]+\$';
SELECT members.insert_custom_role('beta', '{"name": "keep", "display_name": "Keep",
	"organization_permissions": [{"negate": false, "resource_type": "group", "action": "create"}]}') IS NOT NULL;
TRUNCATE members.audit_log;
});

# ---------------------------------------------------------------------------
# The clients.  op($i) gives the SQL of the client's i-th transaction, the
# keys it changes with the state each gets, and the audit rows it writes.
# ---------------------------------------------------------------------------
my @role_sets = ('{organization-admin}', '{organization-auditor,organization-user-admin}', '{keep}', '{}');
my @site_sets = ('{auditor}', '{template-admin,user-admin}', '{}');
my %clients = (
	users => sub {
		my $i = shift;
		return (qq{SELECT members.create_user('n$i', 'n$i\@example.com')}, [ "user:n$i", 'exists' ], 0);
	},
	adds => sub {
		my $i = shift;
		my $k = $i % $NA;
		if (int($i / $NA) % 2 == 0)
		{
			return (
				qq{BEGIN; SELECT members.add_organization_member('alpha', 'a$k');
				   SELECT members.update_organization_member_roles('alpha', 'a$k', '{organization-auditor}'); COMMIT;},
				[ "alpha:a$k", '{organization-auditor}' ],
				2);
		}
		return (qq{SELECT members.remove_organization_member('alpha', 'a$k')}, [ "alpha:a$k", 'absent' ], 1);
	},
	roles => sub {
		my $i = shift;
		my $k = $i % $NR;
		my $set = $role_sets[ int($i / $NR) % @role_sets ];
		return (qq{SELECT members.update_organization_member_roles('beta', 'r$k', '$set')},
			[ "beta:r$k", norm($set) ], 1);
	},
	custom => sub {
		my $i = shift;
		my $j = int($i / 3);
		my $q = 'q' . ($j % $NQ);
		my $step = $i % 3;
		if ($step == 0)
		{
			return (
				qq{SELECT members.insert_custom_role('beta', '{"name": "cr$j", "display_name": "CR $j",
					"organization_permissions": [{"negate": false, "resource_type": "group", "action": "create"}]}')},
				[ "role:cr$j", 'exists' ],
				1);
		}
		elsif ($step == 1)
		{
			return (qq{SELECT members.update_organization_member_roles('beta', '$q', '{cr$j}')},
				[ "beta:$q", "{cr$j}" ], 1);
		}
		# deleting the role also removes it from its member, in the same statement
		return (qq{SELECT members.delete_custom_role('beta', 'cr$j')},
			[ "role:cr$j", 'absent', "beta:$q", '{}' ], 1);
	},
	site => sub {
		my $i = shift;
		my $k = $i % $NS;
		my $set = $site_sets[ int($i / $NS) % @site_sets ];
		return (qq{SELECT members.update_user_site_roles('s$k', '$set')}, [ "site:s$k", norm($set) ], 1);
	});

# A role array as text, sorted: '{b,a}' -> '{a,b}'.
sub norm
{
	my ($set) = @_;
	$set =~ s/^\{|\}$//g;
	return '{' . join(',', sort grep { $_ ne '' } split /,/, $set) . '}';
}

# The state every key has before the load.
sub initial_state
{
	my ($key) = @_;
	return 'absent' if $key =~ /^(user|alpha|role):/;
	return '{}';
}

my $tempdir = PostgreSQL::Test::Utils::tempdir;
my $connstr = $node->connstr('postgres');

# Run one client until its first failure, in one psql session: "try N"
# before and "ok N" after each transaction psql reported committed (the
# marker echoed after it came back), "fail N ..." when psql stopped.
sub run_client
{
	my ($name) = @_;
	open my $log, '>', "$tempdir/$name.log" or die $!;
	$log->autoflush(1);
	my ($in, $out, $err) = ('', '', '');
	my $h = IPC::Run::start(
		[ 'psql', '-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-d', $connstr, '-f', '-' ],
		'<', \$in, '>', \$out, '2>', \$err,
		IPC::Run::timeout($PostgreSQL::Test::Utils::timeout_default));
	for (my $i = 0;; $i++)
	{
		my ($sql) = $clients{$name}->($i);
		print $log "try $i\n";
		$in .= "$sql;\n\\echo __ok_$i\n";
		eval { $h->pump while $out !~ /^__ok_$i$/m && $h->pumpable; };
		if ($out !~ /^__ok_$i$/m)
		{
			eval { $h->finish; };
			$err =~ s/\n/ /g;
			print $log "fail $i $err\n";
			last;
		}
		print $log "ok $i\n";
		$out = '';
	}
	close $log;
}

my %pids;
for my $name (sort keys %clients)
{
	my $pid = fork();
	die "fork: $!" unless defined $pid;
	if ($pid == 0)
	{
		run_client($name);
		POSIX::_exit(0);    # skip the END blocks (they would stop the node)
	}
	$pids{$name} = $pid;
}

# The log of one client: (number acknowledged, failure line or undef,
# the transaction in flight or undef).
sub read_log
{
	my ($name) = @_;
	my ($acked, $fail, $last_try) = (0, undef, undef);
	open my $fh, '<', "$tempdir/$name.log" or return (0, undef, undef);
	while (my $line = <$fh>)
	{
		if ($line =~ /^try (\d+)$/) { $last_try = $1; }
		elsif ($line =~ /^ok (\d+)$/) { $acked = $1 + 1; }
		elsif ($line =~ /^fail /) { $fail = $line; }
	}
	close $fh;
	my $inflight = (defined $last_try && $last_try >= $acked) ? $last_try : undef;
	return ($acked, $fail, $inflight);
}

# Wait until every client has enough acknowledged transactions.
my $deadline = time + $PostgreSQL::Test::Utils::timeout_default;
my $ready = 0;
while (time < $deadline)
{
	my $all = 1;
	for my $name (keys %clients)
	{
		my ($acked, $fail) = read_log($name);
		BAIL_OUT("client $name failed before the crash: $fail") if defined $fail;
		$all = 0 if $acked < $MIN_ACKED;
	}
	if ($all) { $ready = 1; last; }
	usleep(50_000);
}
ok($ready, "every client saw $MIN_ACKED transactions commit under load");

# An open transaction and a prepared one at the moment of the crash.
my $open = $node->background_psql('postgres');
$open->query_safe(
	q{BEGIN; SELECT members.create_user('uncommitted', 'uncommitted@example.com');
	  SELECT members.add_organization_member('beta', 'uncommitted');});
$node->safe_psql('postgres',
	q{BEGIN; SELECT members.add_organization_member('alpha', 'x1'); PREPARE TRANSACTION 'crash_p1';});

# ---------------------------------------------------------------------------
# The crash: stop the postmaster (so it forks nothing more), then SIGKILL it
# and every one of its children at once.
# ---------------------------------------------------------------------------
my $pm = (split /\n/, PostgreSQL::Test::Utils::slurp_file($node->data_dir . '/postmaster.pid'))[0];
kill 'STOP', $pm;
my @children;
opendir my $proc, '/proc' or die $!;
for my $p (grep { /^\d+$/ } readdir $proc)
{
	open my $fh, '<', "/proc/$p/stat" or next;
	my $stat = <$fh>;
	close $fh;
	next unless defined $stat && $stat =~ /\)\s+\S+\s+(\d+)/;
	push @children, $p if $1 == $pm;
}
closedir $proc;
kill 'KILL', @children;
$node->kill9;
note 'killed the postmaster ' . $pm . ' and ' . scalar(@children) . ' server processes';
ok(@children >= 5, 'server processes were running at the kill');
eval { $open->quit; };

# Gone, or a zombie waiting for init (which holds no shared memory).
sub dead
{
	my ($p) = @_;
	open my $fh, '<', "/proc/$p/stat" or return 1;
	my $stat = <$fh>;
	close $fh;
	return defined $stat && $stat =~ /\)\s+Z\s/;
}
$deadline = time + 60;
usleep(20_000) while time < $deadline && grep { !dead($_) } ($pm, @children);
ok(!grep({ !dead($_) } ($pm, @children)), 'every server process is dead');

# The clients notice and stop; each failed at most once, on its last try.
for my $name (sort keys %pids)
{
	my $waited = 0;
	$deadline = time + 60;
	while (time < $deadline)
	{
		if (waitpid($pids{$name}, POSIX::WNOHANG()) == $pids{$name}) { $waited = 1; last; }
		usleep(20_000);
	}
	ok($waited, "client $name stopped after the crash");
}

# A dead postmaster's pid that init has not reaped yet would look like a
# running server to the new one: wait for it, then start (crash recovery).
$deadline = time + 30;
usleep(50_000) while time < $deadline && -e "/proc/$pm";
unlink($node->data_dir . '/postmaster.pid') if -e "/proc/$pm";
$node->start;
ok( $node->log_contains(qr/database system was interrupted|not properly shut down; automatic recovery in progress/),
	'the restart ran crash recovery');

# ---------------------------------------------------------------------------
# Every committed change is there; each in-flight one wholly or not at all.
# ---------------------------------------------------------------------------
my %actual;
for my $line (split /\n/,
	$node->safe_psql(
		'postgres', q{
SELECT 'user:' || u.username, 'exists' FROM members.users u WHERE u.username ~ '^n[0-9]+$'
UNION ALL
SELECT o.name || ':' || u.username,
       coalesce((SELECT array_agg(r ORDER BY r) FROM unnest(m.roles) r), '{}')::text
  FROM members.organization_members m
  JOIN members.users u ON u.id = m.user_id
  JOIN members.organizations o ON o.id = m.organization_id
 WHERE u.username ~ '^[arq][0-9]+$'
UNION ALL
SELECT 'role:' || c.name, 'exists' FROM members.custom_roles c WHERE c.name ~ '^cr[0-9]+$'
UNION ALL
SELECT 'site:' || u.username,
       coalesce((SELECT array_agg(r ORDER BY r) FROM unnest(u.rbac_roles) r), '{}')::text
  FROM members.users u WHERE u.username ~ '^s[0-9]+$'
}))
{
	my ($k, $v) = split /\|/, $line;
	$actual{$k} = $v;
}
$actual{"alpha:a$_"} //= 'absent' for 0 .. $NA - 1;
my %audit_by_client;
for my $line (split /\n/,
	$node->safe_psql(
		'postgres', q{
SELECT CASE
         WHEN a.resource_type = 'custom_role' THEN 'custom'
         WHEN a.resource_target ~ '^a[0-9]+$' THEN 'adds'
         WHEN a.resource_target ~ '^r[0-9]+$' THEN 'roles'
         WHEN a.resource_target ~ '^q[0-9]+$' THEN 'custom'
         WHEN a.resource_target ~ '^s[0-9]+$' THEN 'site'
         ELSE 'other: ' || a.resource_type || ' ' || a.resource_target END,
       count(*)
  FROM members.audit_log a GROUP BY 1
}))
{
	my ($c, $n) = split /\|/, $line;
	$audit_by_client{$c} = $n;
}

my $total_acked = 0;
for my $name (sort keys %clients)
{
	my ($acked, $fail, $inflight) = read_log($name);
	$total_acked += $acked;
	my %expected;
	my $audit = 0;
	for my $i (0 .. $acked - 1)
	{
		my (undef, $changes, $rows) = $clients{$name}->($i);
		my %c = @$changes;
		$expected{$_} = $c{$_} for keys %c;
		$audit += $rows;
	}
	my $committed = 0;
	if (defined $inflight)
	{
		# all of its keys at the new state, or all at the previous one
		my (undef, $changes, $rows) = $clients{$name}->($inflight);
		my %c = @$changes;
		my @keys = sort keys %c;
		my $new = grep { ($actual{$_} // 'absent') eq $c{$_} } @keys;
		my $old = grep { ($actual{$_} // 'absent') eq ($expected{$_} // initial_state($_)) } @keys;
		ok($new == @keys || $old == @keys,
			"$name: the transaction in flight at the crash (#$inflight) is wholly present or wholly absent")
		  or diag explain { inflight => \%c, actual => { map { $_ => $actual{$_} } @keys } };
		$committed = $new == @keys && $old != @keys;
		if ($committed)
		{
			$expected{$_} = $c{$_} for keys %c;
			$audit += $rows;
		}
		note "$name: in flight #$inflight " . ($committed ? 'committed' : 'not committed');
	}
	ok(!defined $fail || (defined $inflight && $fail =~ /^fail \Q$inflight\E /),
		"$name: failed only at the crash")
	  or diag $fail;
	my @wrong = grep { ($actual{$_} // 'absent') ne $expected{$_} } sort keys %expected;
	is(scalar(@wrong), 0, "$name: all $acked committed transactions are present, each key in its last committed state")
	  or diag explain { map { $_ => { expected => $expected{$_}, actual => $actual{$_} } } @wrong[0 .. ($#wrong < 9 ? $#wrong : 9)] };
	is($audit_by_client{$name} // 0, $audit, "$name: exactly the audit rows of the committed changes ($audit)")
	  unless $name eq 'users';
}
# Keys no acknowledged transaction touched are unchanged (nothing appeared
# that no client committed).
{
	my %touched;
	for my $name (keys %clients)
	{
		my ($acked, undef, $inflight) = read_log($name);
		for my $i (0 .. ($inflight // $acked - 1))
		{
			my (undef, $changes) = $clients{$name}->($i);
			my %c = @$changes;
			$touched{$_} = 1 for keys %c;
		}
	}
	my @stray = grep { !$touched{$_} && $actual{$_} ne initial_state($_) } sort keys %actual;
	is(scalar(@stray), 0, 'no change appeared that no client made') or diag explain \@stray;
	ok(!grep({ /^other/ } keys %audit_by_client), 'no audit row of anything else');
}
note "acknowledged transactions before the crash: $total_acked";

is($node->safe_psql('postgres', q{SELECT count(*) FROM members.users WHERE username = 'uncommitted'}),
	'0', 'the transaction open at the crash is gone');
is( $node->safe_psql('postgres', q{SELECT gid FROM pg_prepared_xacts}),
	'crash_p1', 'the prepared transaction survived the crash');
my $x1_check = q{SELECT members.authorize_user((SELECT id FROM members.users WHERE username = 'x1'),
	'read', 'organization_member', (SELECT id FROM members.organizations WHERE name = 'alpha'))};
is($node->safe_psql('postgres', $x1_check), 'f', 'its change is not visible before it commits');
$node->safe_psql('postgres', q{COMMIT PREPARED 'crash_p1'});
is($node->safe_psql('postgres', $x1_check), 't', 'committed after the restart, its change counts');

# ---------------------------------------------------------------------------
# Every constraint holds.
# ---------------------------------------------------------------------------
# Each CHECK constraint, re-evaluated on every row.
my $checks = $node->safe_psql(
	'postgres', q{
SELECT c.conrelid::regclass || '|' || c.conname || '|' || pg_get_expr(c.conbin, c.conrelid)
  FROM pg_constraint c WHERE c.contype = 'c' AND c.connamespace = 'members'::regnamespace
 ORDER BY 1});
my $ncheck = 0;
for my $line (split /\n/, $checks)
{
	my ($rel, $name, $expr) = split /\|/, $line, 3;
	is($node->safe_psql('postgres', "SELECT count(*) FROM $rel WHERE NOT ($expr)"),
		'0', "CHECK $name holds on every row of $rel");
	$ncheck++;
}
ok($ncheck >= 15, "every CHECK constraint re-evaluated ($ncheck)");

# Each foreign key, re-checked by query.
my $fks = $node->safe_psql(
	'postgres', q{
SELECT c.conname, c.conrelid::regclass, c.confrelid::regclass,
       (SELECT string_agg(format('t.%I = p.%I', a.attname, b.attname), ' AND ')
          FROM unnest(c.conkey, c.confkey) AS k(ck, fk)
          JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.ck
          JOIN pg_attribute b ON b.attrelid = c.confrelid AND b.attnum = k.fk)
  FROM pg_constraint c WHERE c.contype = 'f' AND c.connamespace = 'members'::regnamespace
 ORDER BY 1});
my $nfk = 0;
for my $line (split /\n/, $fks)
{
	my ($name, $rel, $ref, $join) = split /\|/, $line;
	is( $node->safe_psql('postgres',
			"SELECT count(*) FROM $rel t WHERE NOT EXISTS (SELECT 1 FROM $ref p WHERE $join)"),
		'0',
		"FOREIGN KEY $name holds on every row of $rel");
	$nfk++;
}
is($nfk, 4, 'every foreign key re-checked');

# amcheck: every heap, and every btree against its heap.
$node->safe_psql('postgres', 'CREATE EXTENSION amcheck');
is( $node->safe_psql(
		'postgres', q{
SELECT count(*) FROM pg_class c, LATERAL verify_heapam(c.oid, check_toast => true)
 WHERE c.relnamespace = 'members'::regnamespace AND c.relkind = 'r'}),
	'0',
	'amcheck: no corruption in any members table');
my $nbtree = $node->safe_psql(
	'postgres', q{
SELECT count(*) FROM (
	SELECT bt_index_parent_check(c.oid, heapallindexed => true)
	  FROM pg_class c JOIN pg_am am ON am.oid = c.relam
	 WHERE c.relnamespace = 'members'::regnamespace AND c.relkind = 'i' AND am.amname = 'btree') s});
ok($nbtree >= 14, "amcheck: every btree index ($nbtree) matches its table, every row indexed");
my ($rout, $rerr);
my $rc = $node->psql('postgres', 'REINDEX SCHEMA members', stdout => \$rout, stderr => \$rerr);
is($rc, 0, 'REINDEX SCHEMA members succeeds (no duplicate under any unique index)') or diag $rerr;

# Every stored role name names a role that exists.
is( $node->safe_psql(
		'postgres', q{
WITH site AS (SELECT r->>'name' AS name FROM jsonb_array_elements(members.site_roles()) r
              UNION SELECT 'member'),
     org AS (SELECT o.id, r->>'name' AS name
               FROM members.organizations o, jsonb_array_elements(members.organization_roles(o.name)) r
             UNION SELECT o.id, 'organization-member' FROM members.organizations o)
SELECT (SELECT count(*) FROM members.users u, unnest(u.rbac_roles) n
         WHERE n NOT IN (SELECT name FROM site))
     + (SELECT count(*) FROM members.organization_members m, unnest(m.roles) n
         WHERE (m.organization_id, n) NOT IN (SELECT id, name FROM org))}),
	'0',
	'every stored site and organization role name names an existing role');

# ---------------------------------------------------------------------------
# The extension works: checks agree with the stored roles.
# ---------------------------------------------------------------------------
my $disagree = $node->safe_psql(
	'postgres', q{
WITH alpha AS (SELECT id FROM members.organizations WHERE name = 'alpha'),
     beta AS (SELECT id FROM members.organizations WHERE name = 'beta'),
     r AS (
	SELECT u.username, u.id, u.rbac_roles,
	       (SELECT m.roles FROM members.organization_members m, alpha WHERE m.organization_id = alpha.id AND m.user_id = u.id) AS aroles,
	       (SELECT m.roles FROM members.organization_members m, beta WHERE m.organization_id = beta.id AND m.user_id = u.id) AS broles
	  FROM members.users u WHERE u.username ~ '^[arqsx][0-9]+$')
SELECT r.username, c.what
  FROM r, alpha, beta, LATERAL (VALUES
	-- organization checks for users without site roles (a, r, q, x)
	('alpha read members', members.authorize_user(r.id, 'read', 'organization_member', alpha.id), r.aroles IS NOT NULL),
	('alpha read audit', members.authorize_user(r.id, 'read', 'audit_log', alpha.id), 'organization-auditor' = ANY (r.aroles)),
	('beta read members', members.authorize_user(r.id, 'read', 'organization_member', beta.id), r.broles IS NOT NULL),
	('beta delete members', members.authorize_user(r.id, 'delete', 'organization_member', beta.id),
	   r.broles && '{organization-admin,organization-user-admin}'),
	('beta read audit', members.authorize_user(r.id, 'read', 'audit_log', beta.id),
	   r.broles && '{organization-admin,organization-auditor}'),
	('beta create group', members.authorize_user(r.id, 'create', 'group', beta.id),
	   r.broles && '{organization-admin,organization-user-admin,keep}'
	   OR EXISTS (SELECT 1 FROM unnest(r.broles) n WHERE n ~ '^cr[0-9]+$'))
	) AS c(what, got, expected)
 WHERE r.username !~ '^s' AND c.got IS DISTINCT FROM coalesce(c.expected, false)
UNION ALL
SELECT r.username, c.what
  FROM r, LATERAL (VALUES
	-- site checks for every user
	('site create user', members.authorize_user(r.id, 'create', 'user'), 'user-admin' = ANY (r.rbac_roles)),
	('site create template', members.authorize_user(r.id, 'create', 'template'), 'template-admin' = ANY (r.rbac_roles)),
	('site read audit', members.authorize_user(r.id, 'read', 'audit_log'), 'auditor' = ANY (r.rbac_roles))
	) AS c(what, got, expected)
 WHERE c.got IS DISTINCT FROM coalesce(c.expected, false)
 ORDER BY 1, 2});
is($disagree, '', 'every check agrees with the stored roles after the crash (6 organization checks x 93 users, 3 site checks x 123 users)');
is( $node->safe_psql('postgres',
		q{SELECT count(*) FILTER (WHERE g) > 0 AND count(*) FILTER (WHERE NOT g) > 0
		    FROM members.users u, LATERAL (VALUES (members.authorize_user(u.id, 'read', 'audit_log')),
		                                          (members.authorize_user(u.id, 'create', 'user'))) AS c(g)
		   WHERE u.username ~ '^[sx][0-9]+$'}),
	't',
	'the site checks have both answers');

# In one session: a warm check, a change, the next statement answers anew;
# a refusal is audited by the background worker.
is( $node->safe_psql(
		'postgres', q{
SELECT members.authorize_user((SELECT id FROM members.users WHERE username = 'x2'), 'delete', 'organization_member',
	(SELECT id FROM members.organizations WHERE name = 'beta'));
SELECT members.update_organization_member_roles('beta', 'x2', '{organization-admin}') IS NOT NULL;
SELECT members.authorize_user((SELECT id FROM members.users WHERE username = 'x2'), 'delete', 'organization_member',
	(SELECT id FROM members.organizations WHERE name = 'beta'));
}),
	"f\nt\nt",
	'after the restart a role change takes effect at the next statement');
my $audit_rows = $node->safe_psql('postgres', 'SELECT count(*) FROM members.audit_log');
my ($out, $err);
$node->psql(
	'postgres',
	"\\set VERBOSITY verbose\n"
	  . q{SELECT set_config('members.actor', (SELECT id::text FROM members.users WHERE username = 'x0'), false);
	  SELECT members.delete_custom_role('beta', 'keep');},
	stdout => \$out,
	stderr => \$err);
is(members_sqlstate($err), '42501', 'after the restart a refused custom role delete is refused');
unlike($err, qr/WARNING/, '... without a warning');
is($node->safe_psql('postgres', 'SELECT count(*) FROM members.audit_log'),
	$audit_rows + 1, '... and audited by the worker');

$node->stop;
done_testing();
