# adapters.awk: copy SQL through, replacing the marker line
#   -- @members_http_adapters@
# with one CREATE FUNCTION per line of the endpoints file, each the template
# file with its placeholders filled (see endpoints.txt for the fields).
#
#   awk -f adapters.awk -v endpoints=endpoints.txt -v template=adapter.sql.in \
#       input.sql... > output.sql
# optional=1 accepts an input without the marker.  With -v sources="FILE..." a line
#   -- @members_copy NAME@
# (NAME as written after CREATE FUNCTION, e.g. members_api.authenticate) is
# replaced by that function's definition in those files, from its CREATE
# FUNCTION line through the end of its COMMENT: an upgrade script drops a
# changed function and takes its new definition from the install sources
# instead of a second copy (extension scripts create plainly).
# POSIX awk.

function trim(s) { sub(/^[ \t]+/, "", s); sub(/[ \t]+$/, "", s); return s }

function fail(msg) { printf "adapters.awk: %s\n", msg > "/dev/stderr"; failed = 1; exit 1 }

# replace every occurrence of the literal string from by to in s
function subst(s, from, to,    out, i) {
	out = ""
	while ((i = index(s, from)) > 0) {
		out = out substr(s, 1, i - 1) to
		s = substr(s, i + length(from))
	}
	return out s
}

function expand_call(c) {
	c = subst(c, "{org}", "@extschema@.http_header('x-members-organization')")
	c = subst(c, "{user}", "@extschema@.http_header('x-members-user')")
	c = subst(c, "{role}", "@extschema@.http_header('x-members-role')")
	c = subst(c, "{limit}", "@extschema@.http_header('x-members-limit')")
	c = subst(c, "{offset}", "@extschema@.http_header('x-members-offset')")
	c = subst(c, "{roles}", "@extschema@.http_body_roles(body)")
	c = subst(c, "{body}", "body")
	if (c ~ /[{}]/)
		fail("unknown placeholder in: " c)
	return c
}

function emit(line,    f, n, name, args, vol, status, route, call, ok, unique, t, cond, keep, i, out, how, hdrs) {
	n = split(line, f, "|")
	if (n != 6)
		fail("expected 6 fields: " line)
	name = trim(f[1]); args = trim(f[2]); vol = trim(f[3])
	status = trim(f[4]); route = trim(f[5]); call = trim(f[6])
	if (name !~ /^[a-z_]+$/) fail("bad name: " name)
	if (args != "body" && args != "-") fail("arguments must be body or -: " line)
	if (vol != "STABLE" && vol != "VOLATILE") fail("volatility must be STABLE or VOLATILE: " line)
	unique = ""
	if (split(status, t, "/") == 2) {
		status = t[1]
		if (t[2] != "409") fail("only 409 may follow the status: " line)
		unique = ", unique_status => 409"
	}
	if (status != "200" && status != "201" && status != "204") fail("status must be 200, 201 or 204: " line)
	if (route !~ /^(GET|POST|PUT|DELETE) \/api\/v2\//) fail("bad route: " line)

	hdrs = ""
	if (index(call, "{org}")) hdrs = hdrs ", X-Members-Organization"
	if (index(call, "{user}")) hdrs = hdrs ", X-Members-User"
	if (index(call, "{role}")) hdrs = hdrs ", X-Members-Role"
	if (index(call, "{limit}")) hdrs = hdrs ", X-Members-Limit, X-Members-Offset"
	how = hdrs
	if (args == "body") how = how ", the client body as text/plain"
	else if (route !~ /^GET/) how = how ", body {}"

	for (i = 1; i <= ntpl; i++) {
		out = tpl[i]
		keep = 1
		if (out ~ /^\?[a-z]+:/) {
			cond = substr(out, 2, index(out, ":") - 2)
			out = substr(out, index(out, ":") + 1)
			if (cond == "body") keep = (args == "body")
			else if (cond == "json") keep = (status != "204")
			else if (cond == "void") keep = (status == "204")
			else if (cond == "created") keep = (status == "201")
			else fail("unknown template condition " cond)
		}
		if (!keep) continue
		out = subst(out, "@PARAMS@", args == "body" ? "text" : "")
		out = subst(out, "@RETURNS@", status == "204" ? "void" : "jsonb")
		out = subst(out, "@VOLATILITY@", vol)
		out = subst(out, "@STATUS@", status)
		out = subst(out, "@UNIQUE@", unique)
		out = subst(out, "@ROUTE@", route)
		out = subst(out, "@RPC_METHOD@", route ~ /^GET/ ? "GET" : "POST")
		out = subst(out, "@HOW@", substr(how, 1) == "" ? "" : ";" substr(how, 2))
		out = subst(out, "@CONFLICT_TEXT@", unique == "" ? "" : ", 409 for a duplicate")
		out = subst(out, "@CALL_TEXT@", subst(call, "'", "''"))
		out = subst(out, "@CALL@", expand_call(call))
		out = subst(out, "@NAME@", name)
		print out
	}
	print ""
	count++
}

BEGIN {
	if (endpoints == "" || template == "") fail("-v endpoints=FILE -v template=FILE required")
	ntpl = 0
	while ((r = getline l < template) > 0) tpl[++ntpl] = l
	if (r < 0) fail("cannot read " template)
	close(template)
}

# print the definition of function fname from the files in sources
function copy_function(fname,    nfiles, files, i, f, l, on, found, r) {
	nfiles = split(sources, files, " ")
	found = 0
	for (i = 1; i <= nfiles && !found; i++) {
		f = files[i]
		on = 0
		while ((r = getline l < f) > 0) {
			if (!on && index(l, "CREATE FUNCTION " fname "(") == 1) {
				on = 1
				found = 1
			}
			if (on) {
				print l
				if (l ~ /^COMMENT ON FUNCTION /) on = 2
				if (on == 2 && l ~ /';$/) break
			}
		}
		close(f)
	}
	if (!found) fail("no CREATE FUNCTION " fname "( in " sources)
}

/^-- @members_copy .+@$/ {
	l = $0
	sub(/^-- @members_copy /, "", l)
	sub(/@$/, "", l)
	copy_function(l)
	next
}

$0 == "-- @members_http_adapters@" {
	count = 0
	while ((r = getline l < endpoints) > 0) {
		if (l ~ /^[ \t]*(#|$)/) continue
		emit(l)
	}
	if (r < 0) fail("cannot read " endpoints)
	close(endpoints)
	if (count == 0) fail("no endpoints in " endpoints)
	markers++
	next
}

{ print }

END {
	if (!failed && markers == 0 && !optional) { printf "adapters.awk: no marker line in the input\n" > "/dev/stderr"; exit 1 }
}
