
# Hot standby: a streaming replica answers every check and
# listing exactly as the primary does, also right after a change replays
# (the per-backend subject cache of a standby session is invalidated by the
# relcache invalidations replayed from the commit records: warm the cache,
# change on the primary, wait for replay, the SAME standby session answers
# the new way); writes on the standby fail cleanly with 25006; a refused
# attempt on the standby neither hangs nor crashes trying to audit.
#
# Run alone (as root, extension installed): bash tests/suites/tap.sh 003_hot_standby.pl
# (as a non-root user: make tap-installcheck PROVE_TESTS=tests/tap/003_hot_standby.pl)
use strict;
use warnings FATAL => 'all';

use FindBin;
use lib $FindBin::Bin;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use MembersTap;

my $primary = members_node('primary', allows_streaming => 1);
$primary->start;
members_setup($primary, 'postgres');
members_fixture($primary, 'postgres');

$primary->backup('bk');
my $standby = PostgreSQL::Test::Cluster->new('standby');
$standby->init_from_backup($primary, 'bk', has_streaming => 1);
$standby->start;

# Changes made after the base backup reach the standby by streaming only.
$primary->safe_psql('postgres',
	q{SELECT members.add_organization_member('gamma', 'crholder') IS NOT NULL});
$primary->wait_for_catchup($standby, 'replay', $primary->lsn('insert'));

is($standby->safe_psql('postgres', 'SELECT pg_is_in_recovery()'),
	't', 'the standby is in recovery');
is( $standby->safe_psql('postgres',
		q{SELECT count(*) FROM members.organization_members m
		  JOIN members.users u ON u.id = m.user_id
		  JOIN members.organizations o ON o.id = m.organization_id
		  WHERE u.username = 'crholder' AND o.name = 'gamma'}),
	'1',
	'a change made after the base backup has streamed');

# The same answers everywhere.
sub same_answers
{
	my ($when) = @_;
	my $pm = members_check_matrix($primary, 'postgres');
	my $sm = members_check_matrix($standby, 'postgres');
	ok($pm =~ tr/t// > 100 && $pm =~ tr/f// > 100,
		"$when: the check matrix has both answers");
	is($sm, $pm, "$when: every check answers the same on the standby");
	is( members_listings($standby, 'postgres'),
		members_listings($primary, 'postgres'),
		"$when: every listing (as the system and as 8 actors, errors included) is the same on the standby"
	);
	is_deeply(
		members_tables($standby, 'postgres'),
		members_tables($primary, 'postgres'),
		"$when: every members table is the same on the standby");
}
same_answers('after streaming');

my $ids = members_ids($primary, 'postgres');

# ---------------------------------------------------------------------------
# Cache invalidation through WAL replay, in one standby session.
# ---------------------------------------------------------------------------
my $sb = $standby->background_psql('postgres', on_error_stop => 0);

sub sb_query { return members_session_query($sb, 'standby', $_[0]); }
my $sb_pid = sb_query('SELECT pg_backend_pid()');

# One change: a check that answers $before in the warm standby session, a
# change on the primary, replay, and the same session answers $after.
sub replayed_change
{
	my ($what, $check, $before, $change, $after) = @_;
	is(sb_query("SELECT $check"), $before, "$what: before, the standby answers $before");
	is(sb_query("SELECT $check"), $before, "$what: before, again (from the warm cache)");
	ok(sb_query('SELECT subjects > 0 FROM members.subject_cache_info()') eq 't',
		"$what: the standby session's cache is warm");
	$primary->safe_psql('postgres', $change);
	is($primary->safe_psql('postgres', "SELECT $check"), $after,
		"$what: the primary answers $after");
	$primary->wait_for_catchup($standby, 'replay', $primary->lsn('insert'));
	is(sb_query("SELECT $check"), $after,
		"$what: after replay, the same standby session answers $after");
	is(sb_query('SELECT pg_backend_pid()'), $sb_pid, "$what: still the same standby backend");
}

my ($beta, $alpha, $gamma) = map { $ids->{"o:$_"} } qw(beta alpha gamma);
my $u = sub { "'" . $ids->{"u:$_[0]"} . "'" };

replayed_change(
	'organization role granted',
	"members.authorize_user(${\$u->('plain')}, 'delete', 'organization_member', '$beta')",
	'f',
	q{SELECT members.update_organization_member_roles('beta', 'plain', '{organization-user-admin}') IS NOT NULL},
	't');
replayed_change(
	'organization role revoked',
	"members.authorize_user(${\$u->('oadmin')}, 'update', 'organization', '$beta')",
	't',
	q{SELECT members.update_organization_member_roles('beta', 'oadmin', '{}') IS NOT NULL},
	'f');
replayed_change(
	'site role granted',
	"members.authorize_user(${\$u->('Zed')}, 'read', 'audit_log')",
	'f',
	q{SELECT members.update_user_site_roles('Zed', '{auditor}') IS NOT NULL},
	't');
replayed_change(
	'custom role permissions updated',
	"members.authorize_user(${\$u->('crholder')}, 'delete', 'template', '$beta')",
	'f',
	q{SELECT members.update_custom_role('beta', '{"name": "reviewer", "display_name": "Reviewer",
		"organization_permissions": [{"negate": false, "resource_type": "template", "action": "delete"}]}') IS NOT NULL},
	't');
replayed_change(
	'custom role deleted',
	"members.authorize_user(${\$u->('crholder')}, 'create', 'group', '$beta')",
	't',
	q{SELECT members.delete_custom_role('beta', 'grouper')},
	'f');
replayed_change(
	'organization role granted in another organization',
	"members.authorize_user(${\$u->('oaud')}, 'read', 'audit_log', '$gamma')",
	'f',
	q{SELECT members.update_organization_member_roles('gamma', 'oaud', '{organization-auditor}') IS NOT NULL},
	't');
replayed_change(
	'member removed',
	"members.authorize_user(${\$u->('oaud')}, 'read', 'organization_member', '$gamma')",
	't',
	q{SELECT members.remove_organization_member('gamma', 'oaud')},
	'f');
replayed_change(
	'workspace sharing switched',
	"members.authorize_user(${\$u->('plain')}, 'share', 'workspace', '$alpha', ${\$u->('plain')})",
	't',
	q{SELECT members.set_workspace_sharing('alpha', true) IS NOT NULL},
	'f');
replayed_change(
	'user suspended (plain UPDATE of members.users)',
	"members.authorize_user(${\$u->('owner1')}, 'create', 'organization')",
	't',
	q{UPDATE members.users SET status = 'suspended' WHERE username = 'owner1'},
	'f');
replayed_change(
	'member added',
	"members.authorize_user(${\$u->('otadmin')}, 'create', 'workspace', '$gamma', ${\$u->('otadmin')})",
	'f',
	q{SELECT members.add_organization_member('gamma', 'otadmin') IS NOT NULL},
	't');

# A listing in the same session shows the replayed roles too.
like(
	sb_query(q{SELECT members.organization_members('beta')}),
	qr/"roles": \[\{"name": "organization-user-admin"[^\]]*\], "user_id": "[^"]*", "username": "plain"/,
	'the standby session lists the replayed role');
$sb->quit;

same_answers('after the replayed changes');

# ---------------------------------------------------------------------------
# Writes on the standby: 25006, nothing written, no audit attempt.
# ---------------------------------------------------------------------------
my $audit_before = $primary->safe_psql('postgres', 'SELECT count(*) FROM members.audit_log');
my @writes = (
	q{SELECT members.add_organization_member('beta', 'dormant')},
	q{SELECT members.remove_organization_member('beta', 'plain')},
	q{SELECT members.update_organization_member_roles('beta', 'plain', '{organization-admin}')},
	q{SELECT members.update_user_site_roles('plain', '{auditor}')},
	q{SELECT members.insert_custom_role('beta', '{"name": "newrole", "display_name": "", "organization_permissions": []}')},
	q{SELECT members.update_custom_role('beta', '{"name": "reviewer", "display_name": "", "organization_permissions": []}')},
	q{SELECT members.delete_custom_role('beta', 'reviewer')},
	q{SELECT members.create_user('newuser', 'newuser@example.com')},
	q{SELECT members.create_organization('delta')},
	q{SELECT members.set_workspace_sharing('beta', true)},
	q{SELECT members.create_api_key('plain')});
for my $w (@writes)
{
	my ($stdout, $stderr);
	my $timed_out = 0;
	$standby->psql(
		'postgres', "\\set VERBOSITY verbose\n$w",
		stdout => \$stdout,
		stderr => \$stderr,
		timeout => 60,
		timed_out => \$timed_out);
	ok(!$timed_out, "standby write returns: $w");
	is(members_sqlstate($stderr), '25006', "standby write fails with 25006: $w")
	  or diag($stderr);
	unlike($stderr, qr/WARNING/, "standby write warns nothing: $w");
}

# Refused attempts (audited through the worker on a primary).  On the
# standby each returns at once and the standby keeps running: a removal
# locks the member row before it is authorized, so the standby refuses the
# lock (25006); a custom role delete is authorized before any lock, so it
# is refused as on the primary, with a WARNING that it could not be audited
# (the server is in recovery) instead of a worker that could never start.
my @refused = (
	[ 'oaud', q{SELECT members.remove_organization_member('beta', 'otadmin')}, '25006' ],
	[ 'oaud', q{SELECT members.delete_custom_role('beta', 'reviewer')}, 'same' ]);
for my $r (@refused)
{
	my ($actor, $sql, $expect) = @$r;
	my $script = "\\set VERBOSITY verbose\nSET members.actor = ${\$u->($actor)};\n$sql";
	my ($stdout, $stderr, $pout, $perr);
	my $timed_out = 0;
	$primary->psql(
		'postgres', $script,
		stdout => \$pout,
		stderr => \$perr,
		on_error_stop => 0);
	my $pstate = members_sqlstate($perr);
	ok($pstate eq '42501' || $pstate eq 'P0002', "the primary refuses as $actor: $sql")
	  or diag($perr);
	$standby->psql(
		'postgres', $script,
		stdout => \$stdout,
		stderr => \$stderr,
		timeout => 60,
		timed_out => \$timed_out);
	ok(!$timed_out, "the refused attempt returns on the standby: $sql");
	my $state = members_sqlstate($stderr);
	if ($expect eq 'same')
	{
		is($state, $pstate, "the standby refuses it as the primary does: $sql")
		  or diag($stderr);
		like(
			$stderr,
			qr/WARNING:\s+55000: refused attempt could not be audited.*server is in recovery/s,
			"the standby warns that it could not audit it: $sql");
	}
	else
	{
		is($state, $expect, "the standby fails it cleanly with $expect: $sql")
		  or diag($stderr);
	}
	is($standby->safe_psql('postgres', 'SELECT 1'), '1', "the standby still runs after: $sql");
}
is($primary->safe_psql('postgres', 'SELECT count(*) FROM members.audit_log'),
	$audit_before + 2,
	'the primary audited its two refusals; the standby wrote nothing');
$primary->wait_for_catchup($standby, 'replay', $primary->lsn('insert'));
is($standby->safe_psql('postgres', 'SELECT count(*) FROM members.audit_log'),
	$audit_before + 2,
	'the standby has exactly the audit rows replayed from the primary');

# Session tokens authenticate on the standby, also when last_used is due
# (the primary would record it; a standby must not try).
my $token = $primary->safe_psql('postgres', q{SELECT members.create_api_key('plain')});
$primary->safe_psql('postgres',
	q{UPDATE members.api_keys SET last_used = now() - interval '2 hours'});
$primary->wait_for_catchup($standby, 'replay', $primary->lsn('insert'));
is($standby->safe_psql('postgres', "SELECT members.authenticate_api_key('$token')"),
	$ids->{'u:plain'}, 'a session token authenticates on the standby');

# The HTTP read path (as PostgREST runs a GET: a read-only transaction, the
# pre-request members_api.authenticate(), then the STABLE adapter, the path
# value in the header nginx sets) answers
# on the standby as on the primary.
my $http_get = qq{BEGIN READ ONLY;
SELECT set_config('request.headers', '{"coder-session-token": "$token", "x-members-organization": "beta"}', true) IS NOT NULL;
SELECT members_api.authenticate();
SELECT members_api.organization_members();
SELECT members_api.organization_roles();
COMMIT;};
my $http_primary = $primary->safe_psql('postgres', $http_get);
like($http_primary, qr/"username": "crholder"/, 'the HTTP read path lists the members on the primary');
is($standby->safe_psql('postgres', $http_get), $http_primary,
	'the HTTP read path (session token, members_api adapters) answers the same on the standby');

$primary->wait_for_catchup($standby, 'replay', $primary->lsn('insert'));
same_answers('at the end');

ok(!$standby->log_contains(qr/server process .* was terminated|PANIC|TRAP:/),
	'no standby process crashed');

$standby->stop;
$primary->stop;
done_testing();
