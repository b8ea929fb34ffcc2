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
