// Claimtrack works without this file. With it, "/" jumps to the search box
// from anywhere on a page, as on many sites, unless you are typing in a field.
(function () {
	"use strict";
	function typing(el) {
		if (!el) {
			return false;
		}
		var tag = el.tagName;
		return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || el.isContentEditable;
	}
	document.addEventListener("keydown", function (ev) {
		if (ev.key !== "/" || ev.ctrlKey || ev.metaKey || ev.altKey || ev.defaultPrevented || typing(ev.target)) {
			return;
		}
		var box = document.getElementById("search-q") || document.getElementById("site-search");
		if (!box) {
			return;
		}
		ev.preventDefault();
		box.focus();
		box.select();
	});
})();
