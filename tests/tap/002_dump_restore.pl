
# Dump and restore: pg_dump of a database using the
# extension, restored into a fresh cluster (custom format with pg_restore,
# and plain SQL with psql), gives the same data (every row of every members
# table, audit_log and api_keys included, ids and timestamps intact), the
# same answer to every check and every listing, the same privileges, and a
# working extension (tokens authenticate, writes and the audit worker work).
# The tables are registered with pg_extension_config_dump, so pg_dump writes
# their rows after CREATE EXTENSION, in foreign-key order.
#
# Run alone (as root, extension installed): bash tests/suites/tap.sh 002_dump_restore.pl
# (as a non-root user: make tap-installcheck PROVE_TESTS=tests/tap/002_dump_restore.pl)
use strict;
use warnings FATAL => 'all';

use FindBin;
use lib $FindBin::Bin;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use MembersTap;

my $src = members_node('source');
$src->start;
$src->safe_psql('postgres', 'CREATE DATABASE app');
members_setup($src, 'app');
members_fixture($src, 'app');
my $token = $src->safe_psql('app', q{SELECT members.create_api_key('Zed')});

my $tempdir = PostgreSQL::Test::Utils::tempdir;
my $dump_c = "$tempdir/app.dump";
my $dump_p = "$tempdir/app.sql";
$src->command_ok([ 'pg_dump', '-Fc', '-f', $dump_c, '-d', $src->connstr('app') ],
	'pg_dump, custom format');
$src->command_ok([ 'pg_dump', '-Fp', '-f', $dump_p, '-d', $src->connstr('app') ],
	'pg_dump, plain format');

my $plain = PostgreSQL::Test::Utils::slurp_file($dump_p);
like($plain, qr/CREATE EXTENSION IF NOT EXISTS members WITH SCHEMA members;/,
	'the dump creates the extension');
for my $t (qw(organizations users organization_members custom_roles api_keys audit_log))
{
	like($plain, qr/^COPY members\.$t \(/m, "the dump holds the rows of members.$t");
}
unlike($plain, qr/CREATE TABLE members\./, 'the dump does not create the extension tables itself');
like($plain, qr/GRANT .* ON FUNCTION members\.authorize_user\(.*\) TO members_service;/,
	'the dump keeps the grants made on extension functions');

# A fresh cluster: the roles (global objects, not in a database dump) first.
my $dst = members_node('restored');
$dst->start;
members_setup($dst, 'postgres', roles_only => 1);
$dst->safe_psql('postgres', 'CREATE DATABASE app_c');
$dst->safe_psql('postgres', 'CREATE DATABASE app_p');
$dst->command_ok(
	[ 'pg_restore', '--exit-on-error', '-d', $dst->connstr('app_c'), $dump_c ],
	'pg_restore of the custom dump into a fresh cluster');
$dst->command_ok(
	[
		'psql', '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', $dst->connstr('app_p'),
		'-f', $dump_p
	],
	'psql restore of the plain dump into a fresh cluster');

my $src_tables = members_tables($src, 'app');
my $src_matrix = members_check_matrix($src, 'app');
my $src_listings = members_listings($src, 'app');
ok($src_matrix =~ tr/t// > 100 && $src_matrix =~ tr/f// > 100,
	'the check matrix has both answers');
is( $src->safe_psql(
		'app', q{SELECT count(*) >= 20, count(*) FILTER (WHERE status_code >= 400)
		          FROM members.audit_log}),
	't|1',
	'the source has audit rows, one of a refused attempt among them');
is($src->safe_psql('app', 'SELECT count(*) FROM members.api_keys'),
	'3', 'the source has three session tokens');

# As the service role (privileges come from the dump): a listing as the system.
my $as_app = q{SET ROLE members_app; SELECT members.organization_members('beta'), members.organization_roles('beta');};

for my $db (qw(app_c app_p))
{
	is_deeply(members_tables($dst, $db), $src_tables,
		"$db: every row of every members table is identical");
	is(members_check_matrix($dst, $db), $src_matrix, "$db: every check answers the same");
	is(members_listings($dst, $db), $src_listings,
		"$db: every listing (as the system and as 8 actors, errors included) is the same");
	is($dst->safe_psql($db, $as_app), $src->safe_psql('app', $as_app),
		"$db: the service role lists the same (grants restored)");
	is( $dst->safe_psql($db, "SELECT members.authenticate_api_key('$token')"),
		$src->safe_psql('app', "SELECT id FROM members.users WHERE username = 'Zed'"),
		"$db: a session token issued before the dump authenticates");
	my ($out, $err);
	$dst->psql($db, q{SET ROLE members_plain; SELECT members.site_roles();},
		stdout => \$out, stderr => \$err);
	like($err, qr/permission denied for (schema|function)/,
		"$db: nothing is granted to PUBLIC after the restore");
	is( $dst->safe_psql(
			$db, q{SELECT count(*) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
		        JOIN pg_namespace n ON n.oid = c.relnamespace
		        WHERE n.nspname = 'members' AND NOT t.tgisinternal}),
		$src->safe_psql(
			'app', q{SELECT count(*) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
		        JOIN pg_namespace n ON n.oid = c.relnamespace
		        WHERE n.nspname = 'members' AND NOT t.tgisinternal}),
		"$db: the same triggers");
}

# The restored extension works: in one session, warm a check, change a role,
# the next statement answers the new way; a refused attempt is audited by the
# worker (which connects to the restored database).
my $ids = members_ids($dst, 'app_c');
my $check = "SELECT members.authorize_user('$ids->{'u:plain'}', 'update', 'organization', '$ids->{'o:gamma'}')";
is( $dst->safe_psql(
		'app_c', "$check;\n"
		  . q{SELECT members.update_organization_member_roles('gamma', 'plain', '{organization-admin}') IS NOT NULL;}
		  . "\n$check;"),
	"f\nt\nt",
	'app_c: a role change after the restore takes effect in the same session');
my $audit = $dst->safe_psql('app_c', 'SELECT count(*) FROM members.audit_log');
my ($out, $err);
$dst->psql(
	'app_c',
	"\\set VERBOSITY verbose\nSET members.actor = '$ids->{'u:oaud'}';\n"
	  . q{SELECT members.delete_custom_role('beta', 'reviewer');},
	stdout => \$out,
	stderr => \$err);
is(members_sqlstate($err), '42501', 'app_c: a refused custom role delete is refused');
unlike($err, qr/WARNING/, 'app_c: ... and audited without a warning');
is($dst->safe_psql('app_c', 'SELECT count(*) FROM members.audit_log'),
	$audit + 1, 'app_c: the refusal is audited');

$dst->stop;
$src->stop;
done_testing();
