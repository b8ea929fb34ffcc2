/*-------------------------------------------------------------------------
 *
 * names.c
 *		Coder's name rules (codersdk NameValid).
 *
 * A name is 1 to 32 bytes, is not "new" or "create", and matches
 * ^[a-zA-Z0-9]+(?:-[a-zA-Z0-9]+)*$ (ASCII letters and digits, single
 * hyphens between groups).
 *
 * IDENTIFICATION
 *		src/names.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "miscadmin.h"

#include "utils/builtins.h"

#include "names.h"

/* ASCII letter or digit. */
static inline bool
is_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		(c >= '0' && c <= '9');
}

/* See names.h. */
const char *
members_name_invalid_reason(const char *s)
{
	size_t		len = strlen(s);
	bool		prev_alnum = false;

	if (len > 32)
		return "must be <= 32 characters";
	if (len < 1)
		return "must be >= 1 character";
	if (strcmp(s, "new") == 0 || strcmp(s, "create") == 0)
		return psprintf("cannot use \"%s\" as a name", s);

	for (size_t i = 0; i < len; i++)
	{
		if (is_alnum(s[i]))
			prev_alnum = true;
		else if (s[i] == '-' && prev_alnum && i + 1 < len)
			prev_alnum = false;
		else
			return "must be alphanumeric with hyphens";
	}
	if (!prev_alnum)
		return "must be alphanumeric with hyphens";
	return NULL;
}

/* See names.h. */
void
members_check_name(const char *what, const char *s)
{
	const char *reason = members_name_invalid_reason(s);

	if (reason != NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid %s \"%s\"", what, s),
				 errdetail("The %s %s.", what, reason)));
}

/* See names.h. */
char *
members_lower(const char *s)
{
	char	   *r = pstrdup(s);

	for (char *p = r; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p += 'a' - 'A';
	return r;
}

/* A name and where it was given, to de-duplicate keeping the first. */
typedef struct IndexedName
{
	char	   *name;
	int			at;
} IndexedName;

/* qsort comparator: by name, then by position. */
static int
cmp_indexed(const void *a, const void *b)
{
	const IndexedName *x = a;
	const IndexedName *y = b;
	int			c = strcmp(x->name, y->name);

	return c != 0 ? c : (x->at > y->at) - (x->at < y->at);
}

/*
 * See names.h.  O(n log n): sort by (name, position), keep the first of
 * each run.
 */
char	  **
members_distinct_names(char **names, int n, int *nout)
{
	IndexedName *ix = palloc(sizeof(IndexedName) * Max(n, 1));
	bool	   *keep = palloc0(sizeof(bool) * Max(n, 1));
	char	  **out = palloc(sizeof(char *) * (n + 2));
	int			k = 0;

	for (int i = 0; i < n; i++)
	{
		ix[i].name = names[i];
		ix[i].at = i;
	}
	if (n > 0)
		qsort(ix, n, sizeof(IndexedName), cmp_indexed);
	for (int i = 0; i < n; i++)
	{
		CHECK_FOR_INTERRUPTS();
		if (i == 0 || strcmp(ix[i].name, ix[i - 1].name) != 0)
			keep[ix[i].at] = true;
	}
	for (int i = 0; i < n; i++)
		if (keep[i])
			out[k++] = names[i];
	out[k] = NULL;
	*nout = k;
	pfree(ix);
	pfree(keep);
	return out;
}

/* See names.h. */
char	  **
members_lower_distinct(char **names, int n, int *nout)
{
	char	  **lowered = palloc(sizeof(char *) * Max(n, 1));

	for (int i = 0; i < n; i++)
	{
		CHECK_FOR_INTERRUPTS();
		lowered[i] = members_lower(names[i]);
	}
	return members_distinct_names(lowered, n, nout);
}
