vcl 4.1;

# Varnish in front of Claimtrack (written for Debian's Varnish 7.1).
#
# - Visitors who are not signed in share cached pages: their cookies are
#   dropped (none of them changes what an anonymous page shows) and the
#   app's Cache-Control decides how long a page is kept (s-maxage) and how
#   long a stale copy may be given while a fresh one is fetched
#   (stale-while-revalidate, Varnish's grace).
# - A signed-in person (the session cookie) and every request that is not a
#   GET or HEAD go straight to the app, and nothing they get is kept: the
#   app marks those answers "private, no-store".
# - Tracking parameters (utm_*, fbclid, gclid, …) are taken off the address,
#   so that a shared link does not make a cache entry of its own.
#
# The backend is the app on this machine; change the port to the app's
# --addr. See docs/operations.md.

import std;

backend default {
	.host = "127.0.0.1";
	.port = "8080";
	.connect_timeout = 2s;
	.first_byte_timeout = 30s;
	.between_bytes_timeout = 10s;
}

sub vcl_recv {
	# Tracking parameters: dropped, then an empty or dangling "?" or "&".
	if (req.url ~ "[?&](utm_[a-z]+|fbclid|gclid|dclid|msclkid|mc_cid|mc_eid|_ga|yclid|igshid)=") {
		set req.url = regsuball(req.url, "([?&])(utm_[a-z]+|fbclid|gclid|dclid|msclkid|mc_cid|mc_eid|_ga|yclid|igshid)=[^&]*", "\1");
		set req.url = regsuball(req.url, "&&+", "&");
		set req.url = regsub(req.url, "\?&", "?");
		set req.url = regsub(req.url, "[?&]$", "");
	}
	if (req.method != "GET" && req.method != "HEAD") {
		return (pass);
	}
	# The API with a token, and anyone signed in: the app answers them, and
	# what it answers is theirs alone.
	if (req.http.Authorization || req.http.Cookie ~ "(^|;\s*)claimtrack_session=") {
		return (pass);
	}
	# A visitor's other cookies (the CSRF cookie of a form page, a one-time
	# message) do not change a cacheable page; pages that use them are marked
	# private by the app and are not kept. Without them, every visitor shares
	# the same entry.
	if (req.http.Cookie ~ "(^|;\s*)flash=") {
		return (pass);
	}
	unset req.http.Cookie;
	return (hash);
}

sub vcl_backend_response {
	# The app says what may be kept, and for how long. An answer that sets a
	# cookie or is private is never kept (Varnish's built-in rules also say
	# so); it is remembered as uncacheable for a short while, so that
	# requests for it do not queue behind one another.
	if (beresp.http.Set-Cookie || beresp.http.Cache-Control ~ "(private|no-store|no-cache)") {
		set beresp.uncacheable = true;
		set beresp.ttl = 10s;
		return (deliver);
	}
}

sub vcl_deliver {
	# Say whether the cache answered, for operators and for `make cachetest`.
	if (obj.uncacheable) {
		set resp.http.X-Cache = "PASS";
	} else if (obj.hits > 0) {
		set resp.http.X-Cache = "HIT";
	} else {
		set resp.http.X-Cache = "MISS";
	}
}
