// Clientside callbacks of the shell (dashboards/shell.py): pure URL bookkeeping that needs no data, so a page
// opens without a server round trip for it.
window.dash_clientside = window.dash_clientside || {};
window.dash_clientside.shell = {
    // Navigation links and the brand carry the query string (the filters); the link of the open page is
    // active, and so is a section's link on its sub-pages. A link's path is its href without the query.
    linksKeepQuery: function (search, pathname, hrefs) {
        var query = search || "";
        var here = pathname || "";
        var paths = hrefs.map(function (href) {
            return (href || "").split("?")[0];
        });
        return [
            paths.map(function (path) {
                return path + query;
            }),
            paths.map(function (path) {
                return path === here || (path !== "/" && here.indexOf(path + "/") === 0);
            }),
            "/" + query,
        ];
    },

    // The page rendered with the frame (shell.py, _page_container) is that of the address the server was told;
    // when the browser is elsewhere, both locations take the browser's address, and the router and the filters
    // follow it.
    checkRenderedPage: function (data) {
        var none = window.dash_clientside.no_update;
        var rendered = data && data.rendered;
        var here = window.location;
        if (!rendered || (rendered[0] === here.pathname && rendered[1] === here.search)) {
            return none;
        }
        var actual = {pathname: here.pathname, search: here.search};
        window.dash_clientside.set_props("_pages_location", actual);
        window.dash_clientside.set_props("url", actual); // ids.URL
        return none;
    },

    // A clicked mark's customdata says what it is: ["region", name] and ["country", ISO-3] filter the page,
    // ["city", id] opens the city's profile keeping the filters. Anything else is not actionable.
    followClick: function (click, search) {
        var none = window.dash_clientside.no_update;
        var point = click && click.points && click.points[0];
        var data = point ? point.customdata : null;
        if (!Array.isArray(data) || data.length !== 2) {
            return [none, none, none];
        }
        var key = String(data[1]);
        if (data[0] === "city") {
            return ["/city/" + encodeURIComponent(key) + (search || ""), none, none];
        }
        if (data[0] === "region") {
            return [none, [key], none];
        }
        if (data[0] === "country") {
            return [none, none, [key]];
        }
        return [none, none, none];
    },
};
