/*-------------------------------------------------------------------------
 *
 * messages.c
 *		The table of error messages Coder words differently (messages.h),
 *		and members.http_coder_message, which the HTTP layer reads it
 *		through.
 *
 * IDENTIFICATION
 *		src/messages.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "fmgr.h"
#include "lib/stringinfo.h"
#include "utils/builtins.h"

#include "messages.h"

PG_FUNCTION_INFO_V1(members_http_coder_message);

/* Our message -> Coder's exact wording (one %s at most, on both sides). */
const MembersCoderMessage members_coder_messages[] = {
	{MEMBERS_MSG_BODY_INVALID, "Request body must be valid JSON."},
	{MEMBERS_MSG_VALIDATION_FAILED, "Validation failed."},
	{MEMBERS_MSG_BAD_QUERY_PARAMS, "Query parameters have invalid values."},
	{MEMBERS_MSG_ROLE_SITE_PERMS, "Invalid request, not allowed to assign site wide permissions for an organization role."},
	{MEMBERS_MSG_ROLE_USER_PERMS, "Invalid request, not allowed to assign user permissions for an organization role."},
	{MEMBERS_MSG_ROLE_MEMBER_PERMS, "Invalid request, not allowed to assign organization member permissions for an organization role."},
	{MEMBERS_MSG_OWN_ORG_ROLES, "You cannot change your own organization roles."},
	{MEMBERS_MSG_OWN_SITE_ROLES, "You cannot change your own roles."},
	{MEMBERS_MSG_ORG_EXISTS, "Organization already exists with that name."},
	{MEMBERS_MSG_USER_EXISTS, "User already exists."},
	{MEMBERS_MSG_RESERVED_ROLE_NAME, "Reserved role name"},
	{MEMBERS_MSG_INVALID_ROLE_NAME, "Invalid role name"},
	{MEMBERS_MSG_ROLE_UPDATE_FAILED, "Failed to update role permissions"},
	{MEMBERS_MSG_ALREADY_MEMBER, "User is already an organization member"},
	{MEMBERS_MSG_NO_CUSTOM_ROLE, "No custom role with the name %s found"},
	{MEMBERS_MSG_ORG_PARAM_MISSING, "\"organization\" must be provided."},
	{MEMBERS_MSG_USER_PARAM_MISSING, "\"user\" must be provided."},
};

const int	members_num_coder_messages = lengthof(members_coder_messages);

/*
 * Does message match pattern (text with at most one %s, which matches any
 * text, possibly empty)?  On a match, *arg and *arglen receive what %s matched
 * (NULL/0 without one).
 */
static bool
message_matches(const char *pattern, const char *message,
				const char **arg, size_t *arglen)
{
	const char *hole = strstr(pattern, "%s");
	size_t		mlen = strlen(message);
	size_t		prefix;
	size_t		suffix;

	*arg = NULL;
	*arglen = 0;
	if (hole == NULL)
		return strcmp(pattern, message) == 0;
	prefix = hole - pattern;
	suffix = strlen(hole + 2);
	if (mlen < prefix + suffix ||
		strncmp(message, pattern, prefix) != 0 ||
		strcmp(message + mlen - suffix, hole + 2) != 0)
		return false;
	*arg = message + prefix;
	*arglen = mlen - prefix - suffix;
	return true;
}

/* See messages.h. */
char *
members_coder_message(const char *message)
{
	for (int i = 0; i < members_num_coder_messages; i++)
	{
		const MembersCoderMessage *m = &members_coder_messages[i];
		const char *arg;
		size_t		arglen;
		const char *hole;
		StringInfoData buf;

		if (!message_matches(m->message, message, &arg, &arglen))
			continue;
		hole = strstr(m->coder, "%s");
		if (arg == NULL || hole == NULL)
			return pstrdup(m->coder);
		initStringInfo(&buf);
		appendBinaryStringInfo(&buf, m->coder, hole - m->coder);
		appendBinaryStringInfo(&buf, arg, arglen);
		appendStringInfoString(&buf, hole + 2);
		return buf.data;
	}
	return NULL;
}

/*
 * SQL: members.http_coder_message(message text) returns text.  Coder's
 * exact wording of an error message written in PostgreSQL style, from the
 * table above; other messages are returned unchanged.
 */
Datum
members_http_coder_message(PG_FUNCTION_ARGS)
{
	text	   *in = PG_GETARG_TEXT_PP(0);
	char	   *coder = members_coder_message(text_to_cstring(in));

	if (coder == NULL)
		PG_RETURN_TEXT_P(in);
	PG_RETURN_TEXT_P(cstring_to_text(coder));
}
