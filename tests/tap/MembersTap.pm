
# Helpers shared by the TAP tests of tests/tap/: a node
# set up for the extension, a fixture built through members.* functions,
# and the fixed sets of checks, listings and table contents that two
# servers (primary and replica, dump and restore, before and after a crash)
# must answer identically.
#
# Every helper returns text, so that a test compares two servers with is().

package MembersTap;

use strict;
use warnings FATAL => 'all';

use Exporter 'import';
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

our @EXPORT = qw(members_node members_setup members_fixture members_ids
  members_check_matrix members_listings members_tables members_sqlstate
  members_session_query);

# A new node (not started) with room for the load and the audit worker.
# %init goes to PostgreSQL::Test::Cluster::init (allows_streaming => 1 for
# a primary).
sub members_node
{
	my ($name, %init) = @_;
	my $node = PostgreSQL::Test::Cluster->new($name);
	$node->init(%init);
	$node->append_conf(
		'postgresql.conf', q{
max_connections = 40
max_worker_processes = 16
log_statement = none
log_min_messages = warning
});
	return $node;
}

# The roles the extension expects (it creates none) and the extension
# itself, in database $db.  Roles are global: pass $roles_only => 1 to
# create just the roles (a fresh cluster that a dump is restored into).
sub members_setup
{
	my ($node, $db, %opt) = @_;
	$node->safe_psql(
		'postgres', q{
CREATE ROLE members_service NOLOGIN;
CREATE ROLE members_app LOGIN IN ROLE members_service;
CREATE ROLE members_plain LOGIN;
});
	return if $opt{roles_only};
	$node->safe_psql(
		$db, q{
CREATE EXTENSION members;
GRANT USAGE ON SCHEMA members TO members_service;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA members TO members_service;
});
	return;
}

# A varied data set, built through the members.* functions (as the system
# and as acting users) wherever a function exists: three organizations
# (one with workspace sharing disabled), users with every site role and
# status, memberships with every built-in organization role, custom roles
# (one updated, one deleted while assigned), session
# tokens, a soft-deleted user, and audit rows of successes and of a refused
# attempt (written by the autonomous audit worker).
sub members_fixture
{
	my ($node, $db) = @_;
	$node->safe_psql(
		$db, q{
SET client_min_messages = warning;
SELECT members.create_organization('alpha', 'Alpha', is_default => true) IS NOT NULL;
SELECT members.create_organization('beta', 'Beta', 'The second one', 'https://example.com/b.png') IS NOT NULL;
SELECT members.create_organization('gamma') IS NOT NULL;
SELECT members.set_workspace_sharing('gamma', true) IS NOT NULL;

SELECT members.create_user(u, u || '@example.com', n, site_roles => r::text[], status => s) IS NOT NULL
  FROM (VALUES
	('owner1', 'Olga Owner', '{owner}', 'active'),
	('uadmin', '', '{user-admin}', 'active'),
	('auditor', '', '{auditor}', 'active'),
	('tadmin', '', '{template-admin,auditor}', 'active'),
	('oadmin', 'Org Admin', '{}', 'active'),
	('ouadmin', '', '{}', 'active'),
	('oaud', '', '{}', 'active'),
	('otadmin', '', '{}', 'active'),
	('crholder', '', '{}', 'active'),
	('plain', 'Pat "Plain"', '{}', 'active'),
	('Zed', '', '{}', 'active'),
	('susp', '', '{}', 'suspended'),
	('dormant', '', '{}', 'dormant'),
	('gone', '', '{}', 'active')) AS t(u, n, r, s)
 ORDER BY u;

SELECT members.add_organization_member('alpha', u.username) IS NOT NULL
  FROM members.users u ORDER BY u.username;
SELECT members.add_organization_member('beta', u) IS NOT NULL
  FROM unnest('{oadmin,ouadmin,oaud,otadmin,crholder,plain,Zed,susp,gone}'::text[]) AS u;
SELECT members.add_organization_member('gamma', u) IS NOT NULL
  FROM unnest('{plain,Zed,oaud}'::text[]) AS u;

SELECT members.insert_custom_role('beta', '{"name": "reviewer", "display_name": "Code Reviewer",
	"organization_permissions": [{"negate": false, "resource_type": "template", "action": "read"},
	                             {"negate": false, "resource_type": "audit_log", "action": "read"}]}') IS NOT NULL;
SELECT members.insert_custom_role('beta', '{"name": "grouper", "display_name": "",
	"organization_permissions": [{"negate": false, "resource_type": "group", "action": "create"},
	                             {"negate": false, "resource_type": "group_member", "action": "read"}]}') IS NOT NULL;
SELECT members.insert_custom_role('alpha', '{"name": "helper", "display_name": "Helper",
	"organization_permissions": [{"negate": false, "resource_type": "template", "action": "read"},
	                             {"negate": false, "resource_type": "file", "action": "read"}]}') IS NOT NULL;
SELECT members.insert_custom_role('beta', '{"name": "temp", "display_name": "Temporary",
	"organization_permissions": [{"negate": false, "resource_type": "file", "action": "create"}]}') IS NOT NULL;

SELECT members.update_organization_member_roles('beta', 'oadmin', '{organization-admin}') IS NOT NULL;
SELECT members.update_organization_member_roles('beta', 'ouadmin', '{organization-user-admin}') IS NOT NULL;
SELECT members.update_organization_member_roles('beta', 'oaud', '{organization-auditor}') IS NOT NULL;
SELECT members.update_organization_member_roles('beta', 'otadmin', '{organization-template-admin,organization-workspace-creation-ban}') IS NOT NULL;
SELECT members.update_organization_member_roles('beta', 'crholder', '{reviewer,grouper,temp}') IS NOT NULL;
SELECT members.update_organization_member_roles('alpha', 'plain', '{helper}') IS NOT NULL;
SELECT members.update_organization_member_roles('gamma', 'Zed', '{organization-admin}') IS NOT NULL;
SELECT members.update_custom_role('beta', '{"name": "reviewer", "display_name": "Reviewer",
	"organization_permissions": [{"negate": false, "resource_type": "template", "action": "read"},
	                             {"negate": false, "resource_type": "template", "action": "update"}]}') IS NOT NULL;
SELECT members.delete_custom_role('beta', 'temp');

-- as acting users: audit rows with a user id
SELECT set_config('members.actor', (SELECT id::text FROM members.users WHERE username = 'owner1'), false);
SELECT members.update_organization_member_roles('alpha', 'oaud', '{organization-auditor}') IS NOT NULL;
SELECT members.update_user_site_roles('dormant', '{template-admin}') IS NOT NULL;
SELECT set_config('members.actor', (SELECT id::text FROM members.users WHERE username = 'oadmin'), false);
SELECT members.update_organization_member_roles('beta', 'Zed', '{organization-auditor}') IS NOT NULL;
SELECT members.remove_organization_member('beta', 'susp');
SELECT set_config('members.actor', (SELECT id::text FROM members.users WHERE username = 'plain'), false);
DO $$
BEGIN
	-- refused: plain may not remove anyone; audited by the worker
	PERFORM members.remove_organization_member('beta', 'Zed');
	RAISE 'the refused removal succeeded';
EXCEPTION WHEN insufficient_privilege OR no_data_found THEN
	NULL;
END
$$;
RESET members.actor;

SELECT members.create_api_key('plain') IS NOT NULL;
SELECT members.create_api_key('owner1', '1 day') IS NOT NULL;

-- no function deletes a user: soft-delete as Coder does
UPDATE members.users SET deleted = true WHERE username = 'gone';
});
	return;
}

# username => id and org name => id, read from $node.
sub members_ids
{
	my ($node, $db) = @_;
	my %ids;
	for my $line (split /\n/,
		$node->safe_psql($db,
			    "SELECT 'u:' || username, id FROM members.users "
			  . "UNION ALL SELECT 'o:' || name, id FROM members.organizations"))
	{
		my ($k, $v) = split /\|/, $line;
		$ids{$k} = $v;
	}
	return \%ids;
}

# Every check of the registry (each resource type and each of its actions)
# for every non-deleted user, in every organization and site-wide, without
# an owner and owned by the user, plus any_org: one line per (user,
# organization, owner), the answers as a string of t/f.  Read-only.
my $matrix_sql = q{
WITH checks AS (
	SELECT r.resource_type, a.action, row_number() OVER (ORDER BY r.resource_type, a.action) AS n
	  FROM members.rbac_resources() r, unnest(r.actions) AS a(action)
), orgs AS (
	SELECT o.id, o.name FROM members.organizations o
	UNION ALL SELECT NULL, '-'
)
SELECT u.username, o.name, w.owned,
       string_agg(CASE members.authorize_user(u.id, c.action, c.resource_type, o.id,
                                              CASE WHEN w.owned THEN u.id END)
                  WHEN true THEN 't' ELSE 'f' END, '' ORDER BY c.n)
  FROM members.users u, orgs o, checks c, (VALUES (false), (true)) AS w(owned)
 WHERE NOT u.deleted
 GROUP BY u.username, o.name, w.owned
UNION ALL
SELECT u.username, 'any_org', false,
       string_agg(CASE members.authorize_user(u.id, c.action, c.resource_type, NULL, NULL, true)
                  WHEN true THEN 't' ELSE 'f' END, '' ORDER BY c.n)
  FROM members.users u, checks c
 WHERE NOT u.deleted
 GROUP BY u.username
 ORDER BY 1, 2, 3
};

sub members_check_matrix
{
	my ($node, $db) = @_;
	return $node->safe_psql($db, $matrix_sql);
}

# The listings (organization_members, paginated_organization_members,
# organization_roles, site_roles, audit_log_entries, check_permissions,
# explain_authorize) as the system and as several acting users, errors
# included (stdout and stderr of one psql script).  Read-only: runs on a
# hot standby too.
sub members_listings
{
	my ($node, $db) = @_;
	my $ids = members_ids($node, $db);
	my $script = "\\set VERBOSITY terse\n";
	for my $actor ('', qw(owner1 auditor oadmin oaud crholder plain Zed susp))
	{
		my $id = $actor eq '' ? '' : $ids->{"u:$actor"};
		$script .= "SELECT 'actor: " . ($actor || 'system') . "';\n";
		$script .= "SET members.actor = '$id';\n";
		for my $org (qw(alpha beta gamma default nosuch))
		{
			$script .= "SELECT members.organization_members('$org');\n";
			$script .= "SELECT members.paginated_organization_members('$org', 2, 1);\n";
			$script .= "SELECT members.organization_roles('$org');\n";
		}
		$script .= "SELECT members.site_roles();\n";
		$script .= "SELECT members.audit_log_entries(NULL, 0);\n";
		$script .= "SELECT members.audit_log_entries('beta', 0);\n";
		$script .= q{SELECT members.check_permissions('{"a": {"object": {"resource_type": "organization_member", "organization_id": "}
		  . $ids->{'o:beta'}
		  . q{"}, "action": "delete"}, "b": {"object": {"resource_type": "template", "any_org": true}, "action": "update"}, "c": {"object": {"resource_type": "workspace", "organization_id": "}
		  . $ids->{'o:beta'}
		  . q{", "owner_id": "}
		  . $ids->{'u:crholder'}
		  . q{"}, "action": "read"}}');} . "\n";
		$script .=
		  "SELECT members.explain_authorize('read', 'workspace', '$ids->{'o:beta'}', '$ids->{'u:crholder'}');\n";
		$script .= "SELECT members.explain_authorize('update', 'template', '$ids->{'o:beta'}');\n";
		$script .= "RESET members.actor;\n";
	}
	my ($stdout, $stderr);
	$node->psql(
		$db, $script,
		stdout => \$stdout,
		stderr => \$stderr,
		on_error_stop => 0,
		extra_params => [ '-A', '-t' ]);
	return "$stdout\n--- stderr ---\n$stderr";
}

# Every row of every members table, ordered by its key, every column.
sub members_tables
{
	my ($node, $db) = @_;
	my %order = (
		organizations => 'id',
		users => 'id',
		organization_members => 'organization_id, user_id',
		custom_roles => 'id',
		api_keys => 'id',
		audit_log => 'id');
	my %out;
	for my $t (sort keys %order)
	{
		$out{$t} = $node->safe_psql($db,
			"SELECT t::text FROM members.$t t ORDER BY $order{$t}");
	}
	return \%out;
}

# The SQLSTATE of a psql run's error output (run with VERBOSITY verbose),
# or '' when there is none.
sub members_sqlstate
{
	my ($stderr) = @_;
	return $stderr =~ /(?:ERROR|FATAL):\s+([0-9A-Z]{5}):/ ? $1 : '';
}

# Run a query in a background_psql session ($session) and return its
# output; die, naming $who, on any error output.
sub members_session_query
{
	my ($session, $who, $sql) = @_;
	my ($out, $err) = $session->query($sql);
	if ($err)
	{
		my $msg = $session->{stderr};
		$session->{stderr} = '';
		die "$who session query failed: $sql: $msg";
	}
	return $out;
}

1;
