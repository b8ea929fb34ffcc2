/*-------------------------------------------------------------------------
 *
 * names.h
 *		Coder's name rules (codersdk NameValid) for usernames, organization
 *		names and custom role names.
 *
 * IDENTIFICATION
 *		src/names.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef MEMBERS_NAMES_H
#define MEMBERS_NAMES_H

/*
 * NULL when s is a valid name, else Coder's reason, in Coder's order:
 * "must be <= 32 characters", "must be >= 1 character",
 * "cannot use \"new\" as a name" (or "create"),
 * "must be alphanumeric with hyphens".  The result is palloc'd or static.
 */
extern const char *members_name_invalid_reason(const char *s);

/*
 * Raise 22023 "invalid <what> \"s\"" with the reason as detail if s is
 * invalid; what is e.g. "username" or "organization name".
 */
extern void members_check_name(const char *what, const char *s);

/* palloc'd lower-case (ASCII) copy of s. */
extern char *members_lower(const char *s);

/*
 * The distinct names of names[0..n), first occurrence kept, in order: a
 * palloc'd array with room for two more elements, NULL-terminated; *nout
 * receives the count.  O(n log n).
 */
extern char **members_distinct_names(char **names, int n, int *nout);

/* members_distinct_names of the lower-cased names. */
extern char **members_lower_distinct(char **names, int n, int *nout);

#endif							/* MEMBERS_NAMES_H */
