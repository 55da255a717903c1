// Cell renderers for dash-ag-grid (looked up by name in a column's `cellRenderer`).
var dagcomponentfuncs = (window.dashAgGridComponentFunctions = window.dashAgGridComponentFunctions || {});

// A city's name as a link to its profile that keeps the filters (the page's query string). A plain click
// navigates inside the app like dcc.Link; ctrl/cmd-click and middle-click still open a new tab.
dagcomponentfuncs.CityLink = function (props) {
    if (!props.data || !props.data.city_id) {
        return props.value;
    }
    var path = "/city/" + encodeURIComponent(props.data.city_id);
    return React.createElement(
        "a",
        {
            href: path + window.location.search,
            className: "city-link",
            onClick: function (event) {
                if (event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) {
                    return;
                }
                event.preventDefault();
                window.history.pushState({}, "", path + window.location.search);
                window.dispatchEvent(new CustomEvent("_dashprivate_pushstate"));
                window.scrollTo(0, 0);
            },
        },
        props.value
    );
};

// A cell of the grid's CSV download (processCellCallback), neutralised as dashboards/exports.neutral does on
// the server: text a spreadsheet would run as a formula (= + - @, a tab or line break, also after spaces) gets a
// leading apostrophe. The grid and the data keep the value as it is.
var dagfuncs = (window.dashAgGridFunctions = window.dashAgGridFunctions || {});
dagfuncs.neutralCell = function (value) {
    if (typeof value === "string" && /^ *[=+\-@\t\r\n]/.test(value)) {
        return "'" + value;
    }
    return value;
};
