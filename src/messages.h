/*-------------------------------------------------------------------------
 *
 * messages.h
 *		Error messages whose wording differs from Coder's, and the one
 *		table that maps them.
 *
 * Our messages follow PostgreSQL's style (lower case, no final period);
 * Coder's responses capitalize and often end with a period.  Each such
 * message is defined here once, used by the C code that raises it
 * (errmsg(MEMBERS_MSG_...)), and listed in members_coder_messages
 * (messages.c) with Coder's exact wording, which the HTTP layer reads
 * through members.http_coder_message.  Changing a message here changes both
 * sides together; a message missing from the table is passed unchanged.
 *
 * A message may hold one %s, which matches any text and is carried into
 * Coder's wording at its own %s.
 *
 * IDENTIFICATION
 *		src/messages.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef MEMBERS_MESSAGES_H
#define MEMBERS_MESSAGES_H

/* Custom roles (enterprise/coderd/roles.go) */
#define MEMBERS_MSG_BODY_INVALID		"request body must be valid JSON"
#define MEMBERS_MSG_VALIDATION_FAILED	"validation failed"
#define MEMBERS_MSG_RESERVED_ROLE_NAME	"reserved role name"
#define MEMBERS_MSG_INVALID_ROLE_NAME	"invalid role name"
#define MEMBERS_MSG_ROLE_SITE_PERMS		"invalid request, not allowed to assign site wide permissions for an organization role"
#define MEMBERS_MSG_ROLE_USER_PERMS		"invalid request, not allowed to assign user permissions for an organization role"
#define MEMBERS_MSG_ROLE_MEMBER_PERMS	"invalid request, not allowed to assign organization member permissions for an organization role"
#define MEMBERS_MSG_ROLE_UPDATE_FAILED	"failed to update role permissions"
#define MEMBERS_MSG_NO_CUSTOM_ROLE		"no custom role with the name %s found"

/* Members and site roles (coderd/members.go, coderd/users.go, coderd/pagination.go) */
#define MEMBERS_MSG_BAD_QUERY_PARAMS	"query parameters have invalid values"
#define MEMBERS_MSG_OWN_ORG_ROLES		"you cannot change your own organization roles"
#define MEMBERS_MSG_OWN_SITE_ROLES		"you cannot change your own roles"
#define MEMBERS_MSG_ALREADY_MEMBER		"user is already an organization member"

/* Creating organizations and users (coderd/organizations.go, coderd/users.go) */
#define MEMBERS_MSG_ORG_EXISTS			"organization already exists with that name"
#define MEMBERS_MSG_USER_EXISTS			"user already exists"

/* Path parameters (coderd/httpmw/organizationparam.go, coderd/httpmw/userparam.go) */
#define MEMBERS_MSG_ORG_PARAM_MISSING	"\"organization\" must be provided"
#define MEMBERS_MSG_USER_PARAM_MISSING	"\"user\" must be provided"

/* One row of the table: our message and Coder's wording of it. */
typedef struct MembersCoderMessage
{
	const char *message;
	const char *coder;
} MembersCoderMessage;

extern const MembersCoderMessage members_coder_messages[];
extern const int members_num_coder_messages;

/*
 * Coder's wording of message as a palloc'd string, or NULL when the table
 * does not list it.
 */
extern char *members_coder_message(const char *message);

#endif							/* MEMBERS_MESSAGES_H */
