/*-------------------------------------------------------------------------
 *
 * jsondecode.c
 *		Reading jsonb objects the way Go's encoding/json decodes them into
 *		a struct (custom-role request bodies, permission objects).
 *
 * IDENTIFICATION
 *		src/jsondecode.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "miscadmin.h"

#include "jsondecode.h"

/*
 * Which of fields[0..nfields) the string key k names: exactly (*exact
 * set) or ignoring ASCII case; -1 for a key Go would ignore.
 */
static int
match_key(const JsonbValue *k, const char *const *fields, int nfields,
		  bool *exact)
{
	for (int f = 0; f < nfields; f++)
	{
		size_t		len = strlen(fields[f]);

		if (k->val.string.len != (int) len)
			continue;
		if (memcmp(k->val.string.val, fields[f], len) == 0)
		{
			*exact = true;
			return f;
		}
		if (pg_strncasecmp(k->val.string.val, fields[f], len) == 0)
		{
			*exact = false;
			return f;
		}
	}
	return -1;
}

/* See jsondecode.h. */
void
members_json_match_fields(JsonbContainer *obj, const char *const *fields,
						  int nfields, JsonbValue *found, bool *have)
{
	bool	   *have_exact = palloc0(sizeof(bool) * nfields);
	JsonbIterator *it;
	JsonbIteratorToken tok;
	JsonbValue	v;
	int			cur = -1;
	bool		cur_exact = false;

	memset(have, 0, sizeof(bool) * nfields);
	it = JsonbIteratorInit(obj);
	while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		if (tok == WJB_KEY)
			cur = match_key(&v, fields, nfields, &cur_exact);
		else if (tok == WJB_VALUE && cur >= 0)
		{
			/* an exact spelling beats any case variant */
			if (cur_exact || !have_exact[cur])
			{
				found[cur] = v;
				have[cur] = true;
				have_exact[cur] = cur_exact;
			}
			cur = -1;
		}
	}
	pfree(have_exact);
}

/* See jsondecode.h. */
void
members_jsonb_check_depth(Jsonb *j, int max_depth, const char *what)
{
	JsonbIterator *it;
	JsonbValue	v;
	JsonbIteratorToken tok;
	int			depth = 0;

	if (JB_ROOT_IS_SCALAR(j))
		return;
	it = JsonbIteratorInit(&j->root);
	while ((tok = JsonbIteratorNext(&it, &v, false)) != WJB_DONE)
	{
		CHECK_FOR_INTERRUPTS();
		if (tok == WJB_BEGIN_ARRAY || tok == WJB_BEGIN_OBJECT)
		{
			if (++depth > max_depth)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("%s is nested too deeply", what),
						 errdetail("JSON in a request may nest at most %d levels of objects and arrays.",
								   max_depth)));
		}
		else if (tok == WJB_END_ARRAY || tok == WJB_END_OBJECT)
			depth--;
	}
}
