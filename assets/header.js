// The header folds away what a reader needs only now and then (assets/header.css):
//   scrolled down a page, it becomes a compact bar (navigation, a one-line demo notice, the active filters and
//   a "Filters" button that unfolds the filter bar); back at the top it is whole again;
//   on a phone the filter bar is always folded behind that button.
// The button shows how many filters are active: the filter chips the shell writes (dashboards/shell/filtering.py).
// The header's height, whole or folded, is kept in --scn-header-height for assets/header_focus.css: the page scrolls
// what the keyboard focuses clear of the sticky header.
(function () {
    "use strict";

    var COMPACT_BELOW = 80; // px scrolled before the header folds
    var WHOLE_ABOVE = 8; // px: back near the top it unfolds (apart from COMPACT_BELOW, so it does not flicker)

    function header() {
        return document.querySelector(".app-header");
    }

    function onScroll() {
        var bar = header();
        if (!bar) {
            return;
        }
        var y = window.scrollY || document.documentElement.scrollTop;
        if (y > COMPACT_BELOW && !bar.classList.contains("header-compact")) {
            bar.classList.add("header-compact");
            setOpen(bar, false);
        } else if (y < WHOLE_ABOVE && bar.classList.contains("header-compact")) {
            bar.classList.remove("header-compact");
        }
    }

    // a ResizeObserver follows every change of height: folding, unfolding the filters, a line of chips more
    var measured = null;
    var sizes = window.ResizeObserver ? new ResizeObserver(measure) : null;

    function measure() {
        var bar = header();
        if (bar) {
            document.documentElement.style.setProperty("--scn-header-height", bar.offsetHeight + "px");
        }
        if (bar && sizes && bar !== measured) {
            if (measured) {
                sizes.unobserve(measured);
            }
            sizes.observe(bar);
            measured = bar;
        }
    }

    function setOpen(bar, open) {
        bar.classList.toggle("filters-open", open);
        var button = document.getElementById("filters-toggle");
        if (button) {
            button.setAttribute("aria-expanded", open ? "true" : "false");
        }
    }

    function countFilters() {
        var chips = document.getElementById("filter-chips");
        var count = document.getElementById("filter-count");
        if (!chips || !count) {
            return;
        }
        var n = chips.querySelectorAll(".chip:not(.chip-notice)").length;
        var text = n ? " (" + n + ")" : "";
        if (count.textContent !== text) {
            count.textContent = text;
            count.setAttribute("data-count", String(n));
        }
    }

    document.addEventListener("click", function (event) {
        var button = event.target.closest && event.target.closest("#filters-toggle");
        var bar = header();
        if (button && bar) {
            setOpen(bar, !bar.classList.contains("filters-open"));
        }
    });
    window.addEventListener("scroll", onScroll, {passive: true});
    // The chips are written by a callback after the header is mounted, and again on every change of filters:
    // the page is watched until they are there, then only they are (charts change the page a great deal; the
    // chips live as long as the frame, which is the page's whole life).
    var watched = null;
    var observer = new MutationObserver(function () {
        measure();
        var chips = document.getElementById("filter-chips");
        if (chips !== watched) {
            observer.disconnect();
            watched = chips;
            observer.observe(chips || document.documentElement, {childList: true, subtree: true});
        }
        countFilters();
    });
    observer.observe(document.documentElement, {childList: true, subtree: true});
})();
