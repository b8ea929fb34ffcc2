
# Logical replication: a subscriber of the members tables answers every
# check as the publisher does, and its per-backend subject caches follow
# the publisher's changes.  The apply worker runs with
# session_replication_role = replica, so it fires only row triggers enabled
# REPLICA or ALWAYS and never statement triggers: the change log triggers
# (members.log_subject_change, ENABLE ALWAYS) write the subscriber's own
# members.subject_changes entries and send the invalidation at the apply
# transaction's commit.  Warm a subscriber session, change on the
# publisher, wait for the subscription to catch up: the SAME subscriber
# session answers the new way at its next statement, and a user the change
# does not name stays warm there.
#
# The publication carries the four tables a subject is built from (users,
# organizations, organization_members, custom_roles); not the change log,
# which each server writes for itself.
#
# Run alone (as root, extension installed): bash tests/suites/tap.sh 004_logical.pl
use strict;
use warnings FATAL => 'all';

use FindBin;
use lib $FindBin::Bin;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use MembersTap;

my $pub = members_node('publisher', allows_streaming => 'logical');
$pub->start;
members_setup($pub, 'postgres');
members_fixture($pub, 'postgres');

my $sub = members_node('subscriber');
$sub->start;
members_setup($sub, 'postgres');

$pub->safe_psql('postgres',
	q{CREATE PUBLICATION members_pub FOR TABLE members.users, members.organizations,
		members.organization_members, members.custom_roles});
my $connstr = $pub->connstr . ' dbname=postgres';
$sub->safe_psql('postgres',
	"CREATE SUBSCRIPTION members_sub CONNECTION '$connstr' PUBLICATION members_pub");
$sub->wait_for_subscription_sync($pub, 'members_sub');

# Wait until the subscriber has applied everything the publisher wrote.
sub caught_up
{
	$pub->wait_for_catchup('members_sub');
}

# The subscriber answers like the publisher (tables, checks and listings).
sub same_answers
{
	my ($when) = @_;
	my $pm = members_check_matrix($pub, 'postgres');
	ok($pm =~ tr/t// > 100 && $pm =~ tr/f// > 100, "$when: the check matrix has both answers");
	is(members_check_matrix($sub, 'postgres'), $pm,
		"$when: every check answers the same on the subscriber");
	my $pt = members_tables($pub, 'postgres');
	my $st = members_tables($sub, 'postgres');
	# audit_log and api_keys are not published
	delete $pt->{$_} for grep { /audit_log|api_keys/ } keys %$pt;
	delete $st->{$_} for grep { /audit_log|api_keys/ } keys %$st;
	is_deeply($st, $pt, "$when: the published tables are the same on the subscriber");
}
same_answers('after the initial copy');

my $ids = members_ids($pub, 'postgres');
my ($beta, $alpha, $gamma) = map { $ids->{"o:$_"} } qw(beta alpha gamma);
my $u = sub { "'" . $ids->{"u:$_[0]"} . "'" };

my $ss = $sub->background_psql('postgres', on_error_stop => 0);

sub ss_query { return members_session_query($ss, 'subscriber', $_[0]); }
my $ss_pid = ss_query('SELECT pg_backend_pid()');

# A bystander whose subject no change below names: it must stay warm.
my $bystander =
  "members.authorize_user(${\$u->('auditor')}, 'read', 'audit_log')";
is(ss_query("SELECT $bystander"), 't', 'the bystander is checked (and cached)');

sub replicated_change
{
	my ($what, $check, $before, $change, $after, $rebuilt) = @_;
	$rebuilt //= 1;
	is(ss_query("SELECT $check"), $before, "$what: before, the subscriber answers $before");
	is(ss_query("SELECT $check"), $before, "$what: before, again (from the warm cache)");
	my $misses = ss_query('SELECT misses FROM members.subject_cache_info()');
	$pub->safe_psql('postgres', $change);
	is($pub->safe_psql('postgres', "SELECT $check"), $after,
		"$what: the publisher answers $after");
	caught_up();
	is(ss_query("SELECT $check"), $after,
		"$what: after apply, the same subscriber session answers $after");
	is(ss_query("SELECT $bystander"), 't', "$what: the bystander still answers t");
	is(ss_query('SELECT misses FROM members.subject_cache_info()'), $misses + $rebuilt,
		$rebuilt == 1
		? "$what: only the changed subject was built again (the bystander stayed warm)"
		: "$what: the changed subject and the bystander (a member of the organization) were built again");
	is(ss_query('SELECT pg_backend_pid()'), $ss_pid, "$what: still the same subscriber backend");
}

replicated_change(
	'organization role granted',
	"members.authorize_user(${\$u->('plain')}, 'delete', 'organization_member', '$beta')",
	'f',
	q{SELECT members.update_organization_member_roles('beta', 'plain', '{organization-user-admin}') IS NOT NULL},
	't');
replicated_change(
	'organization role revoked',
	"members.authorize_user(${\$u->('oadmin')}, 'update', 'organization', '$beta')",
	't',
	q{SELECT members.update_organization_member_roles('beta', 'oadmin', '{}') IS NOT NULL},
	'f');
replicated_change(
	'site role granted',
	"members.authorize_user(${\$u->('Zed')}, 'read', 'audit_log')",
	'f',
	q{SELECT members.update_user_site_roles('Zed', '{auditor}') IS NOT NULL},
	't');
replicated_change(
	'custom role permissions updated',
	"members.authorize_user(${\$u->('crholder')}, 'delete', 'template', '$beta')",
	'f',
	q{SELECT members.update_custom_role('beta', '{"name": "reviewer", "display_name": "Reviewer",
		"organization_permissions": [{"negate": false, "resource_type": "template", "action": "delete"}]}') IS NOT NULL},
	't');
replicated_change(
	'custom role deleted',
	"members.authorize_user(${\$u->('crholder')}, 'create', 'group', '$beta')",
	't',
	q{SELECT members.delete_custom_role('beta', 'grouper')},
	'f');
replicated_change(
	'organization role granted in another organization',
	"members.authorize_user(${\$u->('oaud')}, 'read', 'audit_log', '$gamma')",
	'f',
	q{SELECT members.update_organization_member_roles('gamma', 'oaud', '{organization-auditor}') IS NOT NULL},
	't');
replicated_change(
	'member removed',
	"members.authorize_user(${\$u->('oaud')}, 'read', 'organization_member', '$gamma')",
	't',
	q{SELECT members.remove_organization_member('gamma', 'oaud')},
	'f');
replicated_change(
	'workspace sharing switched',
	"members.authorize_user(${\$u->('plain')}, 'share', 'workspace', '$alpha', ${\$u->('plain')})",
	't',
	q{SELECT members.set_workspace_sharing('alpha', true) IS NOT NULL},
	'f', 2);
replicated_change(
	'user suspended (plain UPDATE of members.users)',
	"members.authorize_user(${\$u->('owner1')}, 'create', 'organization')",
	't',
	q{UPDATE members.users SET status = 'suspended' WHERE username = 'owner1'},
	'f');

my $info = ss_query(
	'SELECT full_invalidations = 0 AND targeted_drops >= 9 AND log_reads >= 9 FROM members.subject_cache_info()');
is($info, 't', 'the subscriber session invalidated only by target (no full invalidation)');
ok($sub->safe_psql('postgres', 'SELECT count(*) > 0 FROM members.subject_changes') eq 't',
	'the subscriber wrote its own change log entries');
$ss->quit;

same_answers('after the replicated changes');

ok(!$sub->log_contains(qr/server process .* was terminated|PANIC|TRAP:/),
	'no subscriber process crashed');
$sub->stop;
$pub->stop;
done_testing();
