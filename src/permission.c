/*-------------------------------------------------------------------------
 *
 * permission.c
 *		Permission lists and sets: pooling, parsing from jsonb (with Coder's
 *		validity rules, docs/coder-behaviour.md 2.4) and writing back as JSON.
 *
 * The vote function and role_allow are static inline in permission.h; they
 * run on every permission check.
 *
 * IDENTIFICATION
 *		src/permission.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "miscadmin.h"

#include "fmgr.h"
#include "lib/stringinfo.h"
#include "nodes/pg_list.h"
#include "utils/jsonb.h"
#include "utils/memutils.h"

#include "jsondecode.h"
#include "jsonout.h"
#include "permission.h"
#include "registry.h"

PG_FUNCTION_INFO_V1(members_permissions_valid);

/* The three keys of a permission object, in Go's field order. */
#define PK_NEGATE		0
#define PK_RESOURCE		1
#define PK_ACTION		2
#define PK_COUNT		3

static const char *const perm_keys[PK_COUNT] = {"negate", "resource_type", "action"};

/* One decoded, not yet validated element; strings point into the jsonb. */
typedef struct RawPermission
{
	bool		negate;
	const char *res;
	int			res_len;
	const char *act;
	int			act_len;
} RawPermission;

/* Empty the set. */
void
members_permset_clear(MembersPermSet *s)
{
	memset(s, 0, sizeof(MembersPermSet));
}

/* Pool every permission of l into s (a NULL list adds nothing). */
void
members_permset_add_list(MembersPermSet *s, const MembersPermList *l)
{
	if (l == NULL)
		return;
	for (int i = 0; i < l->n; i++)
	{
		const MembersPermission *p = &l->items[i];

		Assert(p->resource >= 0 && p->resource < MEMBERS_NUM_RES_SLOTS);
		Assert(p->action >= 0 && p->action <= MEMBERS_ACT_WILDCARD);
		if (p->negate)
			s->neg[p->resource] |= MEMBERS_ACT_BIT(p->action);
		else
			s->pos[p->resource] |= MEMBERS_ACT_BIT(p->action);
	}
}

/* Pool every permission of src into dst. */
void
members_permset_union(MembersPermSet *dst, const MembersPermSet *src)
{
	for (int r = 0; r < MEMBERS_NUM_RES_SLOTS; r++)
	{
		dst->pos[r] |= src->pos[r];
		dst->neg[r] |= src->neg[r];
	}
}

/* True when s holds no permission at all. */
bool
members_permset_is_empty(const MembersPermSet *s)
{
	for (int r = 0; r < MEMBERS_NUM_RES_SLOTS; r++)
		if (s->pos[r] != 0 || s->neg[r] != 0)
			return false;
	return true;
}

/* Index of the first negative permission of l, or -1. */
int
members_permlist_first_negative(const MembersPermList *l)
{
	if (l == NULL)
		return -1;
	for (int i = 0; i < l->n; i++)
		if (l->items[i].negate)
			return i;
	return -1;
}

/* Index of the first permission of l that uses "*", or -1. */
int
members_permlist_first_wildcard(const MembersPermList *l)
{
	if (l == NULL)
		return -1;
	for (int i = 0; i < l->n; i++)
		if (members_permission_has_wildcard(&l->items[i]))
			return i;
	return -1;
}

/* A copy of l allocated in cxt; a NULL l copies as the empty list. */
MembersPermList *
members_permlist_copy(MemoryContext cxt, const MembersPermList *l)
{
	MembersPermList *copy;

	copy = MemoryContextAllocZero(cxt, sizeof(MembersPermList));
	if (l != NULL && l->n > 0)
	{
		copy->n = l->n;
		copy->items = MemoryContextAlloc(cxt, sizeof(MembersPermission) * l->n);
		memcpy(copy->items, l->items, sizeof(MembersPermission) * l->n);
	}
	return copy;
}

/* The JSON type name of a jsonb value, for error details. */
static const char *
json_type_name(const JsonbValue *v)
{
	switch (v->type)
	{
		case jbvNull:
			return "null";
		case jbvString:
			return "string";
		case jbvNumeric:
			return "number";
		case jbvBool:
			return "boolean";
		case jbvArray:
			return "array";
		case jbvObject:
			return "object";
		case jbvBinary:
			return JsonContainerIsObject(v->val.binary.data) ? "object" : "array";
		default:
			return "value";
	}
}

/*
 * Quote len bytes as Go's %q does for the strings we meet: in double quotes,
 * with backslash escapes for quotes, backslashes and ASCII control
 * characters; other bytes as they are.
 */
static char *
go_quote(const char *s, int len)
{
	StringInfoData buf;

	initStringInfo(&buf);
	appendStringInfoChar(&buf, '"');
	for (int i = 0; i < len; i++)
	{
		unsigned char c = (unsigned char) s[i];

		switch (c)
		{
			case '"':
				appendStringInfoString(&buf, "\\\"");
				break;
			case '\\':
				appendStringInfoString(&buf, "\\\\");
				break;
			case '\a':
				appendStringInfoString(&buf, "\\a");
				break;
			case '\b':
				appendStringInfoString(&buf, "\\b");
				break;
			case '\f':
				appendStringInfoString(&buf, "\\f");
				break;
			case '\n':
				appendStringInfoString(&buf, "\\n");
				break;
			case '\r':
				appendStringInfoString(&buf, "\\r");
				break;
			case '\t':
				appendStringInfoString(&buf, "\\t");
				break;
			case '\v':
				appendStringInfoString(&buf, "\\v");
				break;
			default:
				if (c < 0x20 || c == 0x7f)
					appendStringInfo(&buf, "\\x%02x", c);
				else
					appendStringInfoChar(&buf, (char) c);
				break;
		}
	}
	appendStringInfoChar(&buf, '"');
	return buf.data;
}

/* Raise the common "element is not a valid permission object" errors. */
static void
shape_error_missing(const char *field_name, int idx, int key)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("%s[%d] has no \"%s\"", field_name, idx, perm_keys[key]),
			 errdetail("A permission is an object with \"negate\" (boolean), \"resource_type\" (string) and \"action\" (string).")));
}

/* Raise "field has the wrong JSON type". */
static void
shape_error_type(const char *field_name, int idx, int key, const char *want,
				 const JsonbValue *got)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("%s[%d].%s must be a JSON %s",
					field_name, idx, perm_keys[key], want),
			 errdetail("Got a JSON %s.", json_type_name(got))));
}

/*
 * Decode element idx (value v) of the array into *out, raising 22023 on
 * any shape error.
 */
static void
decode_element(const JsonbValue *v, const char *field_name, int idx,
			   RawPermission *out)
{
	JsonbValue	found[PK_COUNT];
	bool		have[PK_COUNT];

	if (v->type != jbvBinary || !JsonContainerIsObject(v->val.binary.data))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s[%d] must be a JSON object", field_name, idx),
				 errdetail("Got a JSON %s.", json_type_name(v))));

	members_json_match_fields(v->val.binary.data, perm_keys, PK_COUNT, found, have);

	for (int k = 0; k < PK_COUNT; k++)
		if (!have[k])
			shape_error_missing(field_name, idx, k);

	if (found[PK_NEGATE].type != jbvBool)
		shape_error_type(field_name, idx, PK_NEGATE, "boolean", &found[PK_NEGATE]);
	if (found[PK_RESOURCE].type != jbvString)
		shape_error_type(field_name, idx, PK_RESOURCE, "string", &found[PK_RESOURCE]);
	if (found[PK_ACTION].type != jbvString)
		shape_error_type(field_name, idx, PK_ACTION, "string", &found[PK_ACTION]);

	out->negate = found[PK_NEGATE].val.boolean;
	out->res = found[PK_RESOURCE].val.string.val;
	out->res_len = found[PK_RESOURCE].val.string.len;
	out->act = found[PK_ACTION].val.string.val;
	out->act_len = found[PK_ACTION].val.string.len;
}

/*
 * Shape-check the whole array and decode its elements; sets *n.  NULL or a
 * JSON null gives no elements.
 */
static RawPermission *
decode_array(Jsonb *arr, const char *field_name, int *n)
{
	RawPermission *raw;
	JsonbIterator *it;
	JsonbIteratorToken tok;
	JsonbValue	v;
	int			count;
	int			i = 0;

	*n = 0;
	if (arr == NULL)
		return NULL;

	/* a scalar root is stored as a one-element "raw scalar" array */
	if (JB_ROOT_IS_SCALAR(arr))
	{
		if (!JsonbExtractScalar(&arr->root, &v))
			elog(ERROR, "could not extract jsonb scalar");
		if (v.type == jbvNull)
			return NULL;
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must be a JSON array", field_name),
				 errdetail("Got a JSON %s.", json_type_name(&v))));
	}
	if (!JB_ROOT_IS_ARRAY(arr))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must be a JSON array", field_name),
				 errdetail("Got a JSON object.")));

	count = JB_ROOT_COUNT(arr);
	if (count == 0)
		return NULL;
	raw = palloc(sizeof(RawPermission) * count);

	it = JsonbIteratorInit(&arr->root);
	while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		CHECK_FOR_INTERRUPTS();
		if (tok != WJB_ELEM)
			continue;
		if (i >= count)
			elog(ERROR, "jsonb array has more elements than its header says");
		decode_element(&v, field_name, i, &raw[i]);
		i++;
	}
	*n = i;
	return raw;
}

/*
 * Resolve one decoded element: true and *out filled when it is valid
 * (docs/coder-behaviour.md 2.4, restricted to what we can represent), else
 * false and *msg set to Coder's wording.
 */
static bool
resolve_permission(const RawPermission *raw, MembersPermission *out, char **msg)
{
	int			res = members_resource_lookup(raw->res, raw->res_len);
	int			act;

	if (res < 0)
	{
		*msg = psprintf("invalid resource type %s",
						go_quote(raw->res, raw->res_len));
		return false;
	}
	act = members_action_lookup(raw->act, raw->act_len);
	if (act < 0 || !members_action_valid_for(res, act))
	{
		*msg = psprintf("invalid action %s for resource %s",
						go_quote(raw->act, raw->act_len),
						go_quote(raw->res, raw->res_len));
		return false;
	}
	out->negate = raw->negate;
	out->resource = (int16) res;
	out->action = (int16) act;
	return true;
}

/*
 * Detail for an invalid element: which element, and what the resource
 * accepts when the resource is known.
 */
static char *
invalid_detail(const RawPermission *raw, const char *field_name, int idx)
{
	StringInfoData buf;
	int			res = members_resource_lookup(raw->res, raw->res_len);

	initStringInfo(&buf);
	appendStringInfo(&buf, "Permission %s[%d] is not valid.", field_name, idx);
	if (res >= 0 && res != MEMBERS_RES_WILDCARD)
	{
		int			n;
		const int8 *acts = members_resource_action_order(res, &n);

		appendStringInfo(&buf, " Resource type \"%s\" accepts \"*\"",
						 members_resource_names[res]);
		for (int i = 0; i < n; i++)
			appendStringInfo(&buf, ", \"%s\"", members_action_names[acts[i]]);
		appendStringInfoChar(&buf, '.');
	}
	return buf.data;
}

/*
 * Common body of the two parsers: invalid entries raise (validate and
 * invalid == NULL), are collected (invalid != NULL) or are dropped.
 */
static MembersPermList *
parse_permissions(Jsonb *arr, const char *field_name, bool validate,
				  List **invalid)
{
	MembersPermList *list = palloc0(sizeof(MembersPermList));
	RawPermission *raw;
	int			nraw;

	raw = decode_array(arr, field_name, &nraw);
	if (nraw == 0)
		return list;

	list->items = palloc(sizeof(MembersPermission) * nraw);
	for (int i = 0; i < nraw; i++)
	{
		char	   *msg;

		CHECK_FOR_INTERRUPTS();

		if (resolve_permission(&raw[i], &list->items[list->n], &msg))
		{
			list->n++;
			continue;
		}
		if (invalid != NULL)
			*invalid = lappend(*invalid, msg);
		else if (validate)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("%s", msg),
					 errdetail_internal("%s", invalid_detail(&raw[i], field_name, i))));
		else
			pfree(msg);
	}
	pfree(raw);
	if (list->n == 0)
	{
		pfree(list->items);
		list->items = NULL;
	}
	return list;
}

/*
 * Parse a jsonb permission array; see permission.h for the exact rules and
 * errors.
 */
MembersPermList *
members_parse_permissions(Jsonb *arr, const char *field_name, bool validate)
{
	return parse_permissions(arr, field_name, validate, NULL);
}

/*
 * Parse a jsonb permission array, dropping invalid entries and collecting
 * their messages in *invalid.
 */
MembersPermList *
members_parse_permissions_collect(Jsonb *arr, const char *field_name,
								  List **invalid)
{
	Assert(invalid != NULL);
	return parse_permissions(arr, field_name, true, invalid);
}

/*
 * Append l as a JSON array in list order, objects in Go's field order
 * (negate, resource_type, action).  Names need no escaping: they are the
 * registry's own identifiers.
 */
void
members_permlist_to_json(StringInfo buf, const MembersPermList *l)
{
	appendStringInfoChar(buf, '[');
	if (l != NULL)
	{
		for (int i = 0; i < l->n; i++)
		{
			const MembersPermission *p = &l->items[i];

			CHECK_FOR_INTERRUPTS();

			if (i > 0)
				appendStringInfoString(buf, ", ");
			appendStringInfo(buf,
							 "{\"negate\": %s, \"resource_type\": \"%s\", \"action\": \"%s\"}",
							 p->negate ? "true" : "false",
							 members_resource_names[p->resource],
							 members_action_names[p->action]);
		}
	}
	appendStringInfoChar(buf, ']');
}

/* See permission.h. */
void
members_permlist_push(MembersJsonb *b, const MembersPermList *l)
{
	members_jsonb_begin_array(b);
	if (l != NULL)
	{
		for (int i = 0; i < l->n; i++)
		{
			const MembersPermission *p = &l->items[i];

			CHECK_FOR_INTERRUPTS();
			members_jsonb_begin_object(b);
			members_jsonb_kv_bool(b, "negate", p->negate);
			members_jsonb_key(b, "resource_type");
			members_jsonb_const_string(b, members_resource_names[p->resource]);
			members_jsonb_key(b, "action");
			members_jsonb_const_string(b, members_action_names[p->action]);
			members_jsonb_end_object(b);
		}
	}
	members_jsonb_end_array(b);
}

/*
 * SQL: members.permissions_valid(permissions jsonb) returns boolean.  True
 * when permissions is a well-formed list of valid permissions
 * (docs/coder-behaviour.md 1.3, 2.4); otherwise raises 22023 with the parser's
 * message.  Used by a CHECK constraint of members.custom_roles, so a stored
 * role can never hold a permission the engine cannot read.
 */
Datum
members_permissions_valid(PG_FUNCTION_ARGS)
{
	(void) members_parse_permissions(PG_GETARG_JSONB_P(0), "org_permissions", true);
	PG_RETURN_BOOL(true);
}
