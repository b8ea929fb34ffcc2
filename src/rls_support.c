/*-------------------------------------------------------------------------
 *
 * rls_support.c
 *		Authorized listings at index speed (docs/rls-index.md).
 *
 * A policy USING (members.authorize('read', 'template', organization_id))
 * is a function call on every row.  Coder's rule (coderd/rbac/policy.rego,
 * docs/coder-behaviour.md 2.3) read backwards says which rows can pass: for
 * a row whose organization is set, only rows of the organizations in A ∪ B
 * (A: the actor's org-level vote is +1; B: it is not -1 and the
 * member-level vote is +1), unless the site vote settles everything.  So
 * "organization_id = ANY(A ∪ B)" is a lossy index condition that the check
 * implies, for actors whose site vote is 0.
 *
 * Three pieces:
 *   - members.authorized_organizations(action, type): A ∪ B for the actor,
 *     NULL when the site vote (or the system actor) allows everything, '{}'
 *     when the site vote denies everything;
 *   - the planner support function of members.authorize: estimates
 *     (SupportRequestSelectivity, SupportRequestCost) and the lossy index
 *     condition (SupportRequestIndexCondition) "org = ANY($n)", where $n is
 *     a parameter filled at execution;
 *   - a custom scan, "MembersListing", added by a set_rel_pathlist hook:
 *     it holds two children, the cheapest plan the planner had (usually the
 *     sequential scan calling authorize on every row) and the index plan
 *     with the derived condition, and picks one at execution, once it
 *     knows the actor: site +1 or the system, or most organizations, take
 *     the first; everyone else the second, with $n = A ∪ B.
 * The index condition is only derived inside that custom scan: a bare
 * index scan would hide every row from a site-level reader.  The original
 * call always stays as the filter of both children, so a mistake here can
 * only hide rows, never show one.
 *
 * Plans are reused across actors (prepared statements, PL/pgSQL,
 * PostgREST): nothing about the actor is decided at plan time.
 *
 * IDENTIFICATION
 *		src/rls_support.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "access/stratnum.h"
#include "catalog/pg_am.h"
#include "catalog/pg_attribute.h"
#include "catalog/pg_language.h"
#include "catalog/pg_proc.h"
#include "catalog/pg_statistic.h"
#include "catalog/pg_type.h"
#include "commands/explain.h"
#include "executor/executor.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "nodes/extensible.h"
#include "nodes/makefuncs.h"
#include "nodes/nodeFuncs.h"
#include "nodes/supportnodes.h"
#include "optimizer/cost.h"
#include "optimizer/optimizer.h"
#include "optimizer/paramassign.h"
#include "optimizer/pathnode.h"
#include "optimizer/paths.h"
#include "optimizer/plancat.h"
#include "optimizer/restrictinfo.h"
#include "optimizer/subselect.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"
#include "utils/ruleutils.h"
#include "utils/selfuncs.h"
#include "utils/syscache.h"

#include "actor.h"
#include "authz.h"
#include "endpoint.h"
#include "registry.h"
#include "rls_support.h"
#include "subject.h"

PG_FUNCTION_INFO_V1(members_authorized_organizations);
PG_FUNCTION_INFO_V1(members_authorize_support);

/* Arguments of members.authorize after default expansion. */
#define AUTHZ_ARG_ACTION	0
#define AUTHZ_ARG_RESOURCE	1
#define AUTHZ_ARG_ORG		2
#define AUTHZ_ARG_OWNER		3
#define AUTHZ_ARG_ANYORG	4
#define AUTHZ_NARGS			5

/*
 * The planner's guess of how many organizations an actor sees (the same
 * guess PostgreSQL makes for "= ANY(array)" of unknown length, in
 * scalararraysel).
 */
#define LISTING_GUESSED_ORGS	10


/*
 * The children of a listing scan: the fallback, the index child, and for a
 * nullable organization column with an owner argument, the index child that
 * also reads the rows without an organization.
 */
#define CHILD_FALLBACK	0
#define CHILD_INDEX		1
#define CHILD_NULLS		2
#define LISTING_MAX_CHILDREN 3

/* Why the custom scan picked its child (shown by EXPLAIN ANALYZE). */
typedef enum ListingChoice
{
	CHOICE_NONE,				/* not executed yet */
	CHOICE_INDEX,				/* index child with A ∪ B */
	CHOICE_INDEX_DENIED,		/* index child, site vote -1: no key */
	CHOICE_INDEX_NULLS,			/* index child with A ∪ B and the rows
								 * without an organization: user-level +1,
								 * nullable column */
	CHOICE_SEQ_SITE,			/* fallback: site +1 */
	CHOICE_SEQ_SYSTEM,			/* fallback: the system actor */
	CHOICE_SEQ_UNRESOLVED,		/* fallback: no actor or an unusable one
								 * (authorize decides per row, and raises) */
	CHOICE_SEQ_USER_LEVEL,		/* fallback: user-level +1, nullable column,
								 * no child for the rows without an
								 * organization (or too many of them) */
	CHOICE_SEQ_MOST,			/* fallback: most organizations */
	CHOICE_SEQ_NAMES			/* fallback: names not usable (authorize
								 * raises) */
} ListingChoice;

/* Execution state of the MembersListing custom scan. */
typedef struct ListingScanState
{
	CustomScanState css;
	int			paramid;		/* PARAM_EXEC slot of A ∪ B */
	bool		notnull;		/* organization argument is a NOT NULL column */
	double		ndistinct;		/* planner's estimate, 0 unknown */
	bool		owned;			/* the owner argument is not a constant NULL:
								 * the user and member levels may apply */
	List	   *name_states;	/* ExprStates of action and resource */
	PlanState  *children[LISTING_MAX_CHILDREN];	/* see listing_set_rel_pathlist */
	int			nchildren;
	bool		started[LISTING_MAX_CHILDREN];	/* child has been executed */
	double		nullfrac;		/* planner's estimate of the rows without an
								 * organization */
	int			chosen;			/* -1 until decided */
	ListingChoice choice;
	int			nkeys;			/* organizations in $n (index child) */
	bool		empty_tlist;	/* no column is returned: every row is the
								 * same empty tuple */
	ExecProcNodeMtd generic_exec;	/* the node's own ExecProcNode, while a
									 * shortcut replaces it (else NULL) */
} ListingScanState;

/* Positions in CustomScan.custom_private. */
#define PRIV_PARAMID	0
#define PRIV_NOTNULL	1
#define PRIV_NDISTINCT	2
#define PRIV_OWNED		3
#define PRIV_NULLFRAC	4		/* per million */

static bool enable_listing_scan = true;

/*
 * members.listing_index_fraction: at execution, the index is not used when
 * the actor's organizations are more than this fraction of the column's
 * distinct values (planner statistics): reading most of a table through an
 * index is slower than reading all of it in order.
 */
static double listing_index_fraction = 0.3;
static set_rel_pathlist_hook_type prev_set_rel_pathlist_hook = NULL;

/*
 * The clause the support function may derive an index condition from, set
 * only while listing_set_rel_pathlist builds the index child; outside of
 * it the support function derives nothing.
 */
static Expr *armed_clause = NULL;
static Param *armed_param = NULL;

static Plan *listing_plan_path(PlannerInfo *root, RelOptInfo *rel,
							   CustomPath *best_path, List *tlist,
							   List *clauses, List *custom_plans);
static Node *listing_create_state(CustomScan *cscan);
static void listing_begin(CustomScanState *node, EState *estate, int eflags);
static TupleTableSlot *listing_exec_child(PlanState *ps);
static TupleTableSlot *listing_exec_empty(PlanState *ps);
static TupleTableSlot *listing_exec(CustomScanState *node);
static void listing_end(CustomScanState *node);
static void listing_rescan(CustomScanState *node);
static void listing_explain(CustomScanState *node, List *ancestors,
							ExplainState *es);

static const CustomPathMethods listing_path_methods = {
	.CustomName = "MembersListing",
	.PlanCustomPath = listing_plan_path,
};

static const CustomScanMethods listing_scan_methods = {
	.CustomName = "MembersListing",
	.CreateCustomScanState = listing_create_state,
};

static const CustomExecMethods listing_exec_methods = {
	.CustomName = "MembersListing",
	.BeginCustomScan = listing_begin,
	.ExecCustomScan = listing_exec,
	.EndCustomScan = listing_end,
	.ReScanCustomScan = listing_rescan,
	.ExplainCustomScan = listing_explain,
};

/*---- The rule ----*/

/* See rls_support.h. */
void
members_subject_listing(const MembersSubject *s, int action, int resource,
						MembersListing *out)
{
	out->site = members_vote(&s->site, resource, action);
	out->user = members_vote(&s->user, resource, action);
	out->norgs = 0;
	out->orgs = NULL;
	if (out->site != 0 || s->norgs == 0)
		return;
	out->orgs = palloc(sizeof(pg_uuid_t) * s->norgs);
	for (int i = 0; i < s->norgs; i++)
	{
		MembersObject obj = {
			.resource = resource, .org = &s->orgs[i].org_id,
			.owner = &s->user_id, .any_org = false
		};
		MembersDecision d;

		/* an object of this organization that the subject owns */
		if (members_decide(s, action, &obj, false, &d))
			out->orgs[out->norgs++] = s->orgs[i].org_id;
	}
}

/* Action and resource ids from text, or -1 (also for the wildcard). */
static void
listing_names(text *a, text *r, int *action, int *resource)
{
	*action = members_action_lookup(VARDATA_ANY(a), VARSIZE_ANY_EXHDR(a));
	*resource = members_resource_lookup(VARDATA_ANY(r), VARSIZE_ANY_EXHDR(r));
	if (*action == MEMBERS_ACT_WILDCARD)
		*action = -1;
	if (*resource == MEMBERS_RES_WILDCARD)
		*resource = -1;
}

/* A uuid[] of the n ids (n may be 0), allocated in the current context. */
static ArrayType *
uuid_array(const pg_uuid_t *ids, int n)
{
	Datum	   *elems = palloc(sizeof(Datum) * Max(n, 1));

	for (int i = 0; i < n; i++)
		elems[i] = UUIDPGetDatum(&ids[i]);
	return construct_array(elems, n, UUIDOID, UUID_LEN, false, TYPALIGN_CHAR);
}

/*
 * SQL: members.authorized_organizations(action, resource_type) returns
 * uuid[].  A ∪ B for the current actor, sorted; NULL when every object is
 * allowed (the system, or a site-level +1); '{}' when none is (site-level
 * -1, or no organization grants it).  Objects outside any organization are
 * not described: only the site or user level can allow those.
 */
Datum
members_authorized_organizations(PG_FUNCTION_ARGS)
{
	int			action;
	int			resource;
	MembersCall c;
	MembersListing l;
	text	   *a;
	text	   *r;

	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("action must not be null")));
	if (PG_ARGISNULL(1))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("resource type must not be null")));
	a = PG_GETARG_TEXT_PP(0);
	r = PG_GETARG_TEXT_PP(1);
	listing_names(a, r, &action, &resource);
	if (action < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid action \"%s\"", text_to_cstring(a)),
				 errdetail("A check names one concrete action of the registry (see members.rbac_resources())."),
				 errhint("The wildcard \"*\" is for permissions, not for checks.")));
	if (resource < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid resource type \"%s\"", text_to_cstring(r)),
				 errdetail("A check names one concrete resource type of the registry (see members.rbac_resources())."),
				 errhint("The wildcard \"*\" is for permissions, not for checks.")));

	members_call_begin(&c, 0);
	members_call_end(&c);
	if (c.actor.is_system)
		PG_RETURN_NULL();
	members_subject_listing(members_subject_get(&c.actor.user_id), action,
							resource, &l);
	if (l.site == 1)
		PG_RETURN_NULL();
	PG_RETURN_ARRAYTYPE_P(uuid_array(l.orgs, l.site == -1 ? 0 : l.norgs));
}

/*---- Planner support ----*/

/* Is e free of Vars and volatile functions (a value fixed per execution)? */
static bool
is_fixed_arg(Node *e)
{
	return !contain_var_clause(e) && !contain_volatile_functions(e);
}

/*
 * Does the call have the shape we can derive from: five arguments, the
 * action and resource fixed per execution, any_org a constant false or
 * NULL, and an organization argument that reads the row?  Returns the
 * organization argument or NULL.
 */
static Node *
derivable_org_arg(List *args)
{
	Node	   *anyorg;
	Node	   *org;

	if (list_length(args) != AUTHZ_NARGS)
		return NULL;
	if (!is_fixed_arg(list_nth(args, AUTHZ_ARG_ACTION)) ||
		!is_fixed_arg(list_nth(args, AUTHZ_ARG_RESOURCE)))
		return NULL;
	anyorg = list_nth(args, AUTHZ_ARG_ANYORG);
	if (!IsA(anyorg, Const) ||
		(!((Const *) anyorg)->constisnull &&
		 DatumGetBool(((Const *) anyorg)->constvalue)))
		return NULL;
	org = list_nth(args, AUTHZ_ARG_ORG);
	if (!contain_var_clause(org) || contain_volatile_functions(org))
		return NULL;
	return org;
}

/* Planner's number of distinct values of e (0 if it does not know). */
static double
org_ndistinct(PlannerInfo *root, Node *e, int varRelid, double *nullfrac)
{
	VariableStatData vardata;
	bool		isdefault;
	double		nd;

	examine_variable(root, e, varRelid, &vardata);
	nd = get_variable_numdistinct(&vardata, &isdefault);
	*nullfrac = 0.0;
	if (HeapTupleIsValid(vardata.statsTuple))
		*nullfrac = ((Form_pg_statistic) GETSTRUCT(vardata.statsTuple))->stanullfrac;
	ReleaseVariableStats(vardata);
	return isdefault ? 0.0 : nd;
}

/*
 * Selectivity of a derivable call: the rows of about LISTING_GUESSED_ORGS
 * organizations, the same guess the derived "org = ANY($n)" gets.
 */
static Selectivity
listing_selectivity(PlannerInfo *root, Node *org, int varRelid)
{
	double		nullfrac;
	double		nd = org_ndistinct(root, org, varRelid, &nullfrac);
	Selectivity s;

	if (nd <= 0)
		nd = 200;				/* DEFAULT_NUM_DISTINCT of selfuncs.h */
	s = (1.0 - nullfrac) * Min(1.0, LISTING_GUESSED_ORGS / nd);
	CLAMP_PROBABILITY(s);
	return s;
}

/*
 * The lossy index condition "org = ANY($n)" for the armed call, or NIL: only
 * for the organization argument, a btree column over uuid (arrays need the
 * access method's amsearcharray).
 */
static List *
listing_index_condition(SupportRequestIndexCondition *req)
{
	FuncExpr   *f;
	Node	   *org;
	Oid			eqop;
	ScalarArrayOpExpr *saop;

	if (armed_clause == NULL || req->node != (Node *) armed_clause ||
		!IsA(req->node, FuncExpr) || req->indexarg != AUTHZ_ARG_ORG)
		return NIL;
	f = (FuncExpr *) req->node;
	org = derivable_org_arg(f->args);
	if (org == NULL || exprType(org) != UUIDOID)
		return NIL;
	if (req->index->relam != BTREE_AM_OID || !req->index->amsearcharray)
		return NIL;
	eqop = get_opfamily_member(req->opfamily, UUIDOID, UUIDOID,
							   BTEqualStrategyNumber);
	if (!OidIsValid(eqop))
		return NIL;

	saop = makeNode(ScalarArrayOpExpr);
	saop->opno = eqop;
	saop->opfuncid = get_opcode(eqop);
	saop->hashfuncid = InvalidOid;
	saop->negfuncid = InvalidOid;
	saop->useOr = true;
	saop->inputcollid = InvalidOid;
	saop->args = list_make2(copyObject(org), copyObject(armed_param));
	saop->location = -1;
	req->lossy = true;			/* authorize stays as the filter */
	return list_make1(saop);
}

/*
 * SQL: members.authorize_support(internal) returns internal.  The planner
 * support function of members.authorize: selectivity and cost estimates,
 * and the index condition while the listing scan is being planned.
 */
Datum
members_authorize_support(PG_FUNCTION_ARGS)
{
	Node	   *rawreq = (Node *) PG_GETARG_POINTER(0);

	if (IsA(rawreq, SupportRequestSelectivity))
	{
		SupportRequestSelectivity *req = (SupportRequestSelectivity *) rawreq;
		Node	   *org;

		if (req->is_join)
			PG_RETURN_POINTER(NULL);
		org = derivable_org_arg(req->args);
		if (org == NULL)
			PG_RETURN_POINTER(NULL);
		req->selectivity = listing_selectivity(req->root, org, req->varRelid);
		PG_RETURN_POINTER(req);
	}
	if (IsA(rawreq, SupportRequestCost))
	{
		SupportRequestCost *req = (SupportRequestCost *) rawreq;

		/* a warm check costs about as much as a built-in operator */
		req->startup = 0;
		req->per_tuple = cpu_operator_cost;
		PG_RETURN_POINTER(req);
	}
	if (IsA(rawreq, SupportRequestIndexCondition))
		PG_RETURN_POINTER(listing_index_condition((SupportRequestIndexCondition *) rawreq));
	PG_RETURN_POINTER(NULL);
}

/*---- The custom path ----*/

/*
 * Is support our support function?  (Compared by its C symbol: fmgr_info
 * would give fmgr_security_definer's address for a function with SET.)
 */
static bool
is_our_support(RegProcedure support)
{
	HeapTuple	tp;
	bool		result = false;

	tp = SearchSysCache1(PROCOID, ObjectIdGetDatum(support));
	if (HeapTupleIsValid(tp))
	{
		Form_pg_proc p = (Form_pg_proc) GETSTRUCT(tp);
		bool		isnull;
		Datum		src;

		if (p->prolang == ClanguageId)
		{
			src = SysCacheGetAttr(PROCOID, tp, Anum_pg_proc_prosrc, &isnull);
			result = !isnull &&
				strcmp(TextDatumGetCString(src), "members_authorize_support") == 0;
		}
		ReleaseSysCache(tp);
	}
	return result;
}

/* Is this call the members.authorize with our support function? */
static bool
is_authorize_call(Node *clause)
{
	FuncExpr   *f;
	RegProcedure support;

	if (!IsA(clause, FuncExpr))
		return false;
	f = (FuncExpr *) clause;
	if (f->funcresulttype != BOOLOID || list_length(f->args) != AUTHZ_NARGS)
		return false;
	support = get_func_support(f->funcid);
	return OidIsValid(support) && is_our_support(support);
}

/* May a listing scan appear in this query (read-only, no row locks)? */
static bool
listing_query_allowed(PlannerInfo *root)
{
	for (PlannerInfo *r = root; r != NULL; r = r->parent_root)
		if (r->parse->commandType != CMD_SELECT || r->parse->rowMarks != NIL)
			return false;
	return true;
}

/* Does path p read an index through clause c (derived by us)? */
static bool
path_uses_clause(Path *p, Expr *c)
{
	ListCell   *lc;

	if (IsA(p, IndexPath))
	{
		foreach(lc, ((IndexPath *) p)->indexclauses)
		{
			IndexClause *ic = lfirst_node(IndexClause, lc);

			if (ic->rinfo->clause == c && ic->lossy)
				return true;
		}
		return false;
	}
	if (IsA(p, BitmapHeapPath))
		return path_uses_clause(((BitmapHeapPath *) p)->bitmapqual, c);
	if (IsA(p, BitmapAndPath))
	{
		foreach(lc, ((BitmapAndPath *) p)->bitmapquals)
			if (path_uses_clause(lfirst(lc), c))
				return true;
	}
	return false;
}

/* The cheapest unparameterized path of list (by total cost), or NULL. */
static Path *
cheapest_unparameterized(List *paths, Expr *uses)
{
	Path	   *best = NULL;
	ListCell   *lc;

	foreach(lc, paths)
	{
		Path	   *p = lfirst(lc);

		if (p->param_info != NULL)
			continue;
		if (uses != NULL && !path_uses_clause(p, uses))
			continue;
		if (best == NULL || p->total_cost < best->total_cost)
			best = p;
	}
	return best;
}

/* Is e a plain column declared NOT NULL of relation relid? */
static bool
is_notnull_column(Node *e, Oid relid, Index varno)
{
	Var		   *v;
	HeapTuple	tp;
	bool		result = false;

	while (IsA(e, RelabelType))
		e = (Node *) ((RelabelType *) e)->arg;
	if (!IsA(e, Var))
		return false;
	v = (Var *) e;
	if (v->varno != varno || v->varattno <= 0 || v->varlevelsup != 0)
		return false;
	tp = SearchSysCache2(ATTNUM, ObjectIdGetDatum(relid), Int16GetDatum(v->varattno));
	if (HeapTupleIsValid(tp))
	{
		result = ((Form_pg_attribute) GETSTRUCT(tp))->attnotnull;
		ReleaseSysCache(tp);
	}
	return result;
}

/*
 * The first restriction clause of rel that is a derivable authorize call
 * whose organization argument reads rel alone, or NULL; *org gets that
 * argument.
 */
static RestrictInfo *
find_target_clause(PlannerInfo *root, RelOptInfo *rel, Node **org)
{
	ListCell   *lc;

	foreach(lc, rel->baserestrictinfo)
	{
		RestrictInfo *ri = lfirst_node(RestrictInfo, lc);

		if (!ri->pseudoconstant && is_authorize_call((Node *) ri->clause) &&
			(*org = derivable_org_arg(((FuncExpr *) ri->clause)->args)) != NULL &&
			bms_equal(pull_varnos(root, *org), rel->relids))
			return ri;
	}
	return NULL;
}

/*
 * A fallback child equivalent to p that add_path cannot free: add_path
 * frees the paths a new path dominates (except index paths), so paths
 * still in the relation's list are rebuilt.  A sequential scan for
 * anything else.
 */
static Path *
fallback_path(PlannerInfo *root, RelOptInfo *rel, Path *p)
{
	if (p != NULL && IsA(p, IndexPath))
		return p;
	if (p != NULL && IsA(p, BitmapHeapPath))
		return (Path *) create_bitmap_heap_path(root, rel,
												((BitmapHeapPath *) p)->bitmapqual,
												NULL, 1.0, 0);
	return create_seqscan_path(root, rel, NULL, 0);
}

/* The index path inside p that reads an index through clause c, or NULL. */
static IndexPath *
clause_index_path(Path *p, Expr *c)
{
	ListCell   *lc;

	if (IsA(p, IndexPath))
		return path_uses_clause(p, c) ? (IndexPath *) p : NULL;
	if (IsA(p, BitmapHeapPath))
		return clause_index_path(((BitmapHeapPath *) p)->bitmapqual, c);
	if (IsA(p, BitmapAndPath))
	{
		foreach(lc, ((BitmapAndPath *) p)->bitmapquals)
		{
			IndexPath  *ip = clause_index_path(lfirst(lc), c);

			if (ip != NULL)
				return ip;
		}
	}
	return NULL;
}

/*
 * The child for a nullable organization column when the user level may
 * allow rows without an organization: a bitmap scan of the OR of the index
 * path through the derived condition (organization_id = ANY($n)) and the
 * same index searched for organization_id IS NULL; the original call stays
 * its filter, so the rows without an organization the actor may not see
 * are read and dropped.  NULL when no btree index path of paths uses the
 * derived clause c (org: the call's organization argument, which the
 * index column matches).
 */
static Path *
nulls_path(PlannerInfo *root, RelOptInfo *rel, List *paths, Expr *c, Node *org)
{
	ListCell   *lc;
	IndexPath  *any = NULL;
	IndexClause *iclause = NULL;
	NullTest   *nt;
	IndexPath  *isnull;

	foreach(lc, paths)
	{
		IndexPath  *ip = clause_index_path(lfirst(lc), c);

		if (ip != NULL && ip->indexinfo->relam == BTREE_AM_OID &&
			ip->indexinfo->amhasgetbitmap && ip->path.param_info == NULL)
		{
			any = ip;
			break;
		}
	}
	if (any == NULL)
		return NULL;
	foreach(lc, any->indexclauses)
	{
		IndexClause *ic = lfirst_node(IndexClause, lc);

		if (ic->rinfo->clause == c)
			iclause = ic;
	}
	Assert(iclause != NULL);

	nt = makeNode(NullTest);
	nt->arg = (Expr *) copyObject(org);
	nt->nulltesttype = IS_NULL;
	nt->argisrow = false;
	nt->location = -1;
	{
		IndexClause *nic = makeNode(IndexClause);

		nic->rinfo = make_simple_restrictinfo(root, (Expr *) nt);
		nic->indexquals = list_make1(nic->rinfo);
		nic->lossy = false;
		nic->indexcol = iclause->indexcol;
		nic->indexcols = NIL;
		isnull = create_index_path(root, any->indexinfo, list_make1(nic), NIL, NIL, NIL,
								   ForwardScanDirection, false, NULL, 1.0, false);
	}
	return (Path *) create_bitmap_heap_path(root, rel,
											(Path *) create_bitmap_or_path(root, rel,
																		   list_make2(any, isnull)),
											NULL, 1.0, 0);
}

/*
 * set_rel_pathlist hook: for a base table of a read-only query with an
 * index and a derivable authorize clause, plan the index child (arming the
 * support function for that clause) and offer a MembersListing path
 * holding it and the cheapest plain path.  The planner keeps it only if it
 * is cheaper than the plain paths; otherwise nothing changes.
 */
static void
listing_set_rel_pathlist(PlannerInfo *root, RelOptInfo *rel, Index rti,
						 RangeTblEntry *rte)
{
	RestrictInfo *target;
	Node	   *org = NULL;
	List	   *saved_paths;
	List	   *saved_partial;
	List	   *new_paths;
	Path	   *fallback;
	Path	   *indexed;
	Param	   *param;
	CustomPath *cpath;
	Node	   *owner;
	double		nullfrac;
	double		nd;
	bool		notnull;
	bool		owned;

	if (prev_set_rel_pathlist_hook)
		prev_set_rel_pathlist_hook(root, rel, rti, rte);
	if (!enable_listing_scan || rel->reloptkind != RELOPT_BASEREL ||
		rte->rtekind != RTE_RELATION || rte->inh || rel->indexlist == NIL ||
		rel->lateral_relids != NULL || IS_DUMMY_REL(rel) ||
		!listing_query_allowed(root))
		return;

	target = find_target_clause(root, rel, &org);
	if (target == NULL)
		return;

	/* plan the index paths that can use the derived condition */
	param = generate_new_exec_param(root, UUIDARRAYOID, -1, InvalidOid);
	saved_paths = rel->pathlist;
	saved_partial = rel->partial_pathlist;
	rel->pathlist = NIL;
	rel->partial_pathlist = NIL;
	armed_clause = target->clause;
	armed_param = param;
	PG_TRY();
	{
		create_index_paths(root, rel);
	}
	PG_FINALLY();
	{
		armed_clause = NULL;
		armed_param = NULL;
	}
	PG_END_TRY();
	new_paths = rel->pathlist;
	rel->pathlist = saved_paths;
	rel->partial_pathlist = saved_partial;

	indexed = cheapest_unparameterized(new_paths, target->clause);
	if (indexed == NULL)
		return;
	fallback = fallback_path(root, rel, cheapest_unparameterized(saved_paths, NULL));

	nd = org_ndistinct(root, org, rel->relid, &nullfrac);
	cpath = makeNode(CustomPath);
	cpath->path.pathtype = T_CustomScan;
	cpath->path.parent = rel;
	cpath->path.pathtarget = rel->reltarget;
	cpath->path.param_info = NULL;
	cpath->path.parallel_aware = false;
	cpath->path.parallel_safe = false;
	cpath->path.parallel_workers = 0;
	cpath->path.rows = rel->rows;
	/* what the actors the plan is made for (site vote 0) pay */
	cpath->path.startup_cost = indexed->startup_cost;
	cpath->path.total_cost = indexed->total_cost;
	cpath->path.pathkeys = NIL;
	cpath->flags = 0;
	cpath->custom_paths = list_make2(fallback, indexed);
	owner = list_nth(((FuncExpr *) target->clause)->args, AUTHZ_ARG_OWNER);
	notnull = is_notnull_column(org, rte->relid, rel->relid);
	owned = !(IsA(owner, Const) && ((Const *) owner)->constisnull);
	if (!notnull && owned)
	{
		Path	   *nulls = nulls_path(root, rel, new_paths, target->clause, org);

		if (nulls != NULL)
			cpath->custom_paths = lappend(cpath->custom_paths, nulls);
	}
	cpath->custom_private = list_make5(makeInteger(param->paramid),
									   makeInteger(notnull ? 1 : 0),
									   makeInteger((int) Min(nd, (double) PG_INT32_MAX)),
									   makeInteger(owned ? 1 : 0),
									   makeInteger((int) (nullfrac * 1000000)));
	cpath->methods = &listing_path_methods;
	add_path(rel, &cpath->path);
}

/*
 * Declare $paramid as the output of an initPlan of this query level that
 * yields NULL::uuid[], so that the planner accepts references to it.  The
 * initPlan never runs: the custom scan stores the value (and clears
 * execPlan) before its index child evaluates $paramid.
 */
static void
make_keys_initplan(PlannerInfo *root, int paramid)
{
	PlannerInfo *subroot = makeNode(PlannerInfo);
	Query	   *q = makeNode(Query);
	Result	   *res = makeNode(Result);
	Param	   *prm = makeNode(Param);

	q->commandType = CMD_SELECT;
	subroot->parse = q;
	subroot->glob = root->glob;
	subroot->query_level = root->query_level + 1;
	subroot->parent_root = root;
	subroot->wt_param_id = -1;

	res->plan.targetlist =
		list_make1(makeTargetEntry((Expr *) makeNullConst(UUIDARRAYOID, -1, InvalidOid),
								   1, NULL, false));
	res->plan.startup_cost = 0;
	res->plan.total_cost = 0;
	res->plan.plan_rows = 1;
	res->plan.plan_width = 32;

	prm->paramkind = PARAM_EXEC;
	prm->paramid = paramid;
	prm->paramtype = UUIDARRAYOID;
	prm->paramtypmod = -1;
	prm->paramcollid = InvalidOid;
	prm->location = -1;
	SS_make_initplan_from_plan(root, subroot, (Plan *) res, prm);
}

/*
 * PlanCustomPath: a CustomScan over the two child plans, with no scan
 * relation of its own; its tuples are the children's (the relation's
 * target list); the action and resource arguments go to custom_exprs.
 */
static Plan *
listing_plan_path(PlannerInfo *root, RelOptInfo *rel, CustomPath *best_path,
				  List *tlist, List *clauses, List *custom_plans)
{
	CustomScan *cscan = makeNode(CustomScan);
	Node	   *org;
	RestrictInfo *target = find_target_clause(root, rel, &org);
	List	   *args;

	/* the names of the authorize call the index child was derived from */
	if (target == NULL)
		elog(ERROR, "listing scan without an authorize clause");
	args = ((FuncExpr *) target->clause)->args;

	make_keys_initplan(root, intVal(linitial(best_path->custom_private)));

	/*
	 * Nothing of the rows is needed (count(*), EXISTS): each child returns
	 * its tuples unprojected (a scan's physical tuple, an index-only scan's
	 * index tuple) and this scan returns an empty tuple per row, so a
	 * listing costs what a plain scan costs.
	 */
	if (tlist == NIL)
	{
		ListCell   *lc;

		/* every child: a projection per row to an empty tuple is waste */
		foreach(lc, custom_plans)
		{
			Plan	   *child = lfirst(lc);

			if (IsA(child, SeqScan) || IsA(child, IndexScan) || IsA(child, BitmapHeapScan))
				child->targetlist = build_physical_tlist(root, rel);
			else if (IsA(child, IndexOnlyScan))
				child->targetlist = copyObject(((IndexOnlyScan *) child)->indextlist);
		}
	}

	cscan->scan.plan.targetlist = tlist;
	cscan->scan.plan.qual = NIL;	/* the children apply every clause */
	cscan->scan.scanrelid = 0;
	cscan->flags = best_path->flags;
	cscan->custom_plans = custom_plans;
	cscan->custom_exprs = list_make2(copyObject(list_nth(args, AUTHZ_ARG_ACTION)),
									 copyObject(list_nth(args, AUTHZ_ARG_RESOURCE)));
	cscan->custom_private = best_path->custom_private;
	cscan->custom_scan_tlist = tlist;
	cscan->methods = &listing_scan_methods;
	return &cscan->scan.plan;
}

/*---- The custom scan ----*/

/* CreateCustomScanState. */
static Node *
listing_create_state(CustomScan *cscan)
{
	ListingScanState *s = palloc0(sizeof(ListingScanState));

	NodeSetTag(s, T_CustomScanState);
	s->css.methods = &listing_exec_methods;
	s->paramid = intVal(list_nth(cscan->custom_private, PRIV_PARAMID));
	s->notnull = intVal(list_nth(cscan->custom_private, PRIV_NOTNULL)) != 0;
	s->ndistinct = intVal(list_nth(cscan->custom_private, PRIV_NDISTINCT));
	s->owned = intVal(list_nth(cscan->custom_private, PRIV_OWNED)) != 0;
	s->nullfrac = intVal(list_nth(cscan->custom_private, PRIV_NULLFRAC)) / 1000000.0;
	s->nchildren = list_length(cscan->custom_plans);
	s->chosen = -1;
	return (Node *) s;
}

/*
 * BeginCustomScan: start both children (neither reads anything yet) and
 * the name expressions.  Tuples come from whichever child is picked, so
 * neither the scan nor the result slot type is fixed.
 */
static void
listing_begin(CustomScanState *node, EState *estate, int eflags)
{
	ListingScanState *s = (ListingScanState *) node;
	CustomScan *cscan = (CustomScan *) node->ss.ps.plan;

	for (int i = 0; i < s->nchildren; i++)
	{
		s->children[i] = ExecInitNode(list_nth(cscan->custom_plans, i), estate, eflags);
		node->custom_ps = lappend(node->custom_ps, s->children[i]);
	}
	s->name_states = ExecInitExprList(cscan->custom_exprs, &node->ss.ps);

	s->empty_tlist = cscan->scan.plan.targetlist == NIL;
	if (s->empty_tlist)
	{
		node->ss.ps.ps_ProjInfo = NULL;
		ExecClearTuple(node->ss.ps.ps_ResultTupleSlot);
		ExecStoreVirtualTuple(node->ss.ps.ps_ResultTupleSlot);
		node->ss.ps.resultops = &TTSOpsVirtual;
		node->ss.ps.resultopsfixed = true;
		return;
	}
	node->ss.ps.scanopsfixed = false;
	node->ss.ps.resultopsfixed = false;
	ExecConditionalAssignProjectionInfo(&node->ss.ps,
										node->ss.ss_ScanTupleSlot->tts_tupleDescriptor,
										INDEX_VAR);
	if (node->ss.ps.ps_ProjInfo == NULL)
		node->ss.ps.resultopsfixed = false;
}

/* Evaluate one name expression: a text or NULL. */
static text *
eval_name(ExprState *es, ExprContext *econtext)
{
	bool		isnull;
	Datum		d = ExecEvalExprSwitchContext(es, econtext, &isnull);

	return isnull ? NULL : DatumGetTextPP(d);
}

/*
 * Decide which child runs, for the actor of this execution, and fill $n
 * for the index child.  Never raises for the actor: anything authorize
 * would refuse (no actor, an unusable one) takes the fallback, where
 * authorize raises exactly as it does without this scan.  Nothing else
 * changes: each child's filter (the original authorize call) runs as
 * planned on every row it reads, so a wrong choice or a wrong $n can only
 * hide rows (docs/rls-index.md, Correctness).
 */
static void
listing_choose(ListingScanState *s)
{
	ExprContext *econtext = s->css.ss.ps.ps_ExprContext;
	EState	   *estate = s->css.ss.ps.state;
	text	   *a = eval_name(linitial(s->name_states), econtext);
	text	   *r = eval_name(lsecond(s->name_states), econtext);
	int			action;
	int			resource;
	pg_uuid_t	actor_id;
	const MembersSubject *subj;
	MembersListing l;
	MemoryContext old;
	ParamExecData *prm;
	ArrayType  *keys;
	int			nkeys;

	s->chosen = CHILD_FALLBACK;
	if (a == NULL || r == NULL)
	{
		s->choice = CHOICE_SEQ_NAMES;
		return;
	}
	listing_names(a, r, &action, &resource);
	if (action < 0 || resource < 0)
	{
		s->choice = CHOICE_SEQ_NAMES;
		return;
	}
	if (!members_actor_setting(&actor_id))
	{
		/* as members_current_actor: the system for a trusted caller */
		s->choice = members_caller_is_trusted() ? CHOICE_SEQ_SYSTEM : CHOICE_SEQ_UNRESOLVED;
		return;
	}
	subj = members_subject_get(&actor_id);
	if (!subj->found || !subj->active)
	{
		s->choice = CHOICE_SEQ_UNRESOLVED;
		return;
	}

	old = MemoryContextSwitchTo(estate->es_query_cxt);
	members_subject_listing(subj, action, resource, &l);
	if (!s->owned)
	{
		/*
		 * No row has an owner: the user and member levels never apply
		 * (members_decide), so only A (org-level +1) can allow a row.
		 */
		int			n = 0;

		for (int i = 0; i < l.norgs; i++)
		{
			const MembersSubjectOrg *o = members_subject_org(subj, &l.orgs[i]);

			if (members_vote(o->org, resource, action) == 1)
				l.orgs[n++] = l.orgs[i];
		}
		l.norgs = n;
		l.user = 0;
	}
	if (l.site == 1)
	{
		MemoryContextSwitchTo(old);
		s->choice = CHOICE_SEQ_SITE;
		return;
	}
	if (l.site == 0 && l.user == 1 && !s->notnull &&
		(s->nchildren <= CHILD_NULLS || s->nullfrac > listing_index_fraction))
	{
		/* rows without an organization may be the actor's: no child reads
		 * them, or they are too many to read through the index */
		MemoryContextSwitchTo(old);
		s->choice = CHOICE_SEQ_USER_LEVEL;
		return;
	}
	nkeys = l.site == -1 ? 0 : l.norgs;
	if (l.site == 0 && s->ndistinct > 0 &&
		nkeys > listing_index_fraction * s->ndistinct)
	{
		MemoryContextSwitchTo(old);
		s->choice = CHOICE_SEQ_MOST;
		return;
	}
	if (l.site == 0 && l.user == 1)
	{
		/*
		 * The nil uuid counts as "no organization": the user level may
		 * allow such rows the actor owns.
		 */
		pg_uuid_t  *all = palloc0(sizeof(pg_uuid_t) * (nkeys + 1));

		if (nkeys > 0)
			memcpy(all + 1, l.orgs, sizeof(pg_uuid_t) * nkeys);
		l.orgs = all;
		nkeys++;
	}
	keys = uuid_array(l.orgs, nkeys);
	MemoryContextSwitchTo(old);

	prm = &estate->es_param_exec_vals[s->paramid];
	prm->execPlan = NULL;
	prm->value = PointerGetDatum(keys);
	prm->isnull = false;
	s->nkeys = nkeys;
	if (l.site == 0 && l.user == 1 && !s->notnull)
	{
		s->chosen = CHILD_NULLS;
		s->choice = CHOICE_INDEX_NULLS;
	}
	else
	{
		s->chosen = CHILD_INDEX;
		s->choice = l.site == -1 ? CHOICE_INDEX_DENIED : CHOICE_INDEX;
	}
}

/* ExecCustomScan: the next tuple of the picked child. */
static TupleTableSlot *
listing_exec(CustomScanState *node)
{
	ListingScanState *s = (ListingScanState *) node;
	PlanState  *child;
	TupleTableSlot *slot;
	ProjectionInfo *proj = node->ss.ps.ps_ProjInfo;

	if (s->chosen < 0)
	{
		listing_choose(s);
		if (s->started[s->chosen])
			ExecReScan(s->children[s->chosen]);
		s->started[s->chosen] = true;
	}
	child = s->children[s->chosen];

	/*
	 * Once chosen, rows that need no projection go straight from the child
	 * to the parent (until a rescan chooses again): one call a row less.
	 */
	if (s->generic_exec == NULL && (s->empty_tlist || proj == NULL))
	{
		s->generic_exec = node->ss.ps.ExecProcNodeReal;
		ExecSetExecProcNode(&node->ss.ps, s->empty_tlist ? listing_exec_empty : listing_exec_child);
	}
	CHECK_FOR_INTERRUPTS();
	slot = ExecProcNode(child);
	if (TupIsNull(slot))
		return NULL;
	if (s->empty_tlist)
		return node->ss.ps.ps_ResultTupleSlot;
	if (proj == NULL)
		return slot;
	ResetExprContext(node->ss.ps.ps_ExprContext);
	node->ss.ps.ps_ExprContext->ecxt_scantuple = slot;
	return ExecProject(proj);
}

/* The chosen child's next row, as it is (see listing_exec). */
static TupleTableSlot *
listing_exec_child(PlanState *ps)
{
	ListingScanState *s = (ListingScanState *) ps;

	return ExecProcNode(s->children[s->chosen]);
}

/* One empty row for each row of the chosen child (see listing_exec). */
static TupleTableSlot *
listing_exec_empty(PlanState *ps)
{
	ListingScanState *s = (ListingScanState *) ps;
	TupleTableSlot *slot = ExecProcNode(s->children[s->chosen]);

	return TupIsNull(slot) ? NULL : ps->ps_ResultTupleSlot;
}

/* EndCustomScan. */
static void
listing_end(CustomScanState *node)
{
	ListingScanState *s = (ListingScanState *) node;

	for (int i = 0; i < s->nchildren; i++)
		ExecEndNode(s->children[i]);
}

/*
 * ReScanCustomScan: decide again at the next tuple (the names may be outer
 * parameters); a child that already ran is rescanned then, after $n is set.
 */
static void
listing_rescan(CustomScanState *node)
{
	ListingScanState *s = (ListingScanState *) node;

	if (node->ss.ps.chgParam != NULL)
		for (int i = 0; i < s->nchildren; i++)
			UpdateChangedParamSet(s->children[i], node->ss.ps.chgParam);
	s->chosen = -1;
	s->choice = CHOICE_NONE;
	/* choose again at the next row: through the node's own ExecProcNode */
	if (s->generic_exec != NULL)
	{
		ExecSetExecProcNode(&node->ss.ps, s->generic_exec);
		s->generic_exec = NULL;
	}
}

/* A name argument for EXPLAIN: the text of a constant, else the expression. */
static char *
explain_name(Node *e, List *ctx)
{
	if (IsA(e, Const) && !((Const *) e)->constisnull &&
		((Const *) e)->consttype == TEXTOID)
		return TextDatumGetCString(((Const *) e)->constvalue);
	return deparse_expression(e, ctx, false, false);
}

/* ExplainCustomScan: what the scan decides on, and (ANALYZE) what it chose. */
static void
listing_explain(CustomScanState *node, List *ancestors, ExplainState *es)
{
	ListingScanState *s = (ListingScanState *) node;
	CustomScan *cscan = (CustomScan *) node->ss.ps.plan;
	List	   *ctx = set_deparse_context_plan(es->deparse_cxt, node->ss.ps.plan, ancestors);
	char	   *action = explain_name(linitial(cscan->custom_exprs), ctx);
	char	   *resource = explain_name(lsecond(cscan->custom_exprs), ctx);
	const char *choice = NULL;

	ExplainPropertyText("Authorized Organizations",
						psprintf("$%d = organizations where the actor may %s %s",
								 s->paramid, action, resource),
						es);
	switch (s->choice)
	{
		case CHOICE_NONE:
			break;
		case CHOICE_INDEX:
			choice = psprintf("index (%d organizations)", s->nkeys);
			break;
		case CHOICE_INDEX_DENIED:
			choice = "index (denied at site level: no organization)";
			break;
		case CHOICE_INDEX_NULLS:
			choice = psprintf("index (%d organizations) and the rows without an organization",
							  s->nkeys);
			break;
		case CHOICE_SEQ_SITE:
			choice = "fallback (allowed at site level)";
			break;
		case CHOICE_SEQ_SYSTEM:
			choice = "fallback (the system actor)";
			break;
		case CHOICE_SEQ_UNRESOLVED:
			choice = "fallback (no usable actor: authorize decides each row)";
			break;
		case CHOICE_SEQ_USER_LEVEL:
			choice = "fallback (user-level permission and a nullable organization)";
			break;
		case CHOICE_SEQ_MOST:
			choice = "fallback (most organizations)";
			break;
		case CHOICE_SEQ_NAMES:
			choice = "fallback (unusable action or resource type)";
			break;
	}
	if (es->analyze && choice != NULL)
		ExplainPropertyText("Chosen", choice, es);
}

/*---- Module ----*/

/* See rls_support.h. */
void
members_rls_support_init(void)
{
	DefineCustomBoolVariable("members.enable_listing_scan",
							 "Lets policies built on members.authorize read the organization index.",
							 "When on, a table's listing through authorize(action, type, organization_id, ...) "
							 "may use an index on organization_id, chosen at execution once the actor is known.",
							 &enable_listing_scan,
							 true,
							 PGC_USERSET,
							 0,
							 NULL, NULL, NULL);
	DefineCustomRealVariable("members.listing_index_fraction",
							 "Largest share of an organization column's distinct values a listing reads through the index.",
							 "Past it the listing scan reads the table sequentially (1 = always use the index when possible).",
							 &listing_index_fraction,
							 0.3, 0.0, 1.0,
							 PGC_USERSET,
							 0,
							 NULL, NULL, NULL);
	RegisterCustomScanMethods(&listing_scan_methods);
	prev_set_rel_pathlist_hook = set_rel_pathlist_hook;
	set_rel_pathlist_hook = listing_set_rel_pathlist;
}
