// Printing a page (the "Print / PDF" button, the browser's own Print, or print media): A4 portrait, charts drawn
// at the paper's width, every grid as a plain table of its rows.
//
// The charts are SVG drawn at the screen's width; on paper they ran past the right edge. While printing,
// <html> carries `scn-printing`, which keeps each chart's box within the printable width (assets/print.css),
// and every chart is drawn again at it (assets/narrow_charts.js, scnCharts.redraw); afterwards they are drawn
// again for the screen.
// A data grid (AG Grid) shows one page of rows and draws only the rows and columns in view, so on paper it
// printed 15 rows and cut its right-hand columns. Each grid is printed as a table of its rows, in the order and
// with the filters the reader chose, at most PRINT_ROWS of them and then a line saying how many more there are.
// <html data-print-ready> is set once the page is ready for the paper (the browser tests wait for it).
(function () {
    "use strict";

    // The reader's words, handed over by the frame (dashboards/i18n/browser.py), else `english`.
    function word(key, english) {
        var element = document.getElementById("scn-words");
        try {
            return (element && JSON.parse(element.getAttribute("data-words"))[key]) || english;
        } catch (e) {
            return english;
        }
    }

    var PRINT_ROWS = 100;
    var printing = false;
    var ready = null;

    function gridApi(element) {
        var grids = window.dash_ag_grid;
        if (!grids || !grids.getApi) {
            return null;
        }
        var id = element.id;
        try {
            return grids.getApi(id);
        } catch (_error) {
            try {
                return grids.getApi(JSON.parse(id));
            } catch (_again) {
                return null;
            }
        }
    }

    function cellText(api, node, column) {
        var value;
        try {
            value = api.getCellValue({rowNode: node, colKey: column, useFormatter: true});
        } catch (_error) {
            value = node.data ? node.data[column.getColDef().field] : "";
        }
        return value === null || value === undefined ? "" : String(value);
    }

    var TOKEN = /^\S{21,}$/; // a word no column should be made as wide as (a checksum, a path)

    function cell(tag, text, numeric) {
        var element = document.createElement(tag);
        element.textContent = text;
        if (numeric) {
            element.className = "num";
        } else if (TOKEN.test(text)) {
            element.className = "token";
        }
        return element;
    }

    // The grid's rows as a table (after the grid's own sort and filters), or null when its API is not there.
    function gridTable(element) {
        var api = gridApi(element);
        if (!api) {
            return null;
        }
        var columns = api.getAllDisplayedColumns();
        var nodes = [];
        api.forEachNodeAfterFilterAndSort(function (node) {
            if (node.data) {
                nodes.push(node);
            }
        });
        var box = document.createElement("div");
        box.className = "print-grid";
        var table = document.createElement("table");
        table.className = "print-table";
        var head = table.createTHead().insertRow();
        columns.forEach(function (column) {
            var def = column.getColDef();
            head.appendChild(cell("th", def.headerName || def.field || ""));
        });
        var body = table.createTBody();
        nodes.slice(0, PRINT_ROWS).forEach(function (node) {
            var row = body.insertRow();
            columns.forEach(function (column) {
                var numeric = String(column.getColDef().type || "").indexOf("numericColumn") >= 0;
                row.appendChild(cell("td", cellText(api, node, column), numeric));
            });
        });
        box.appendChild(table);
        var more = nodes.length - PRINT_ROWS;
        if (more > 0) {
            var line = document.createElement("p");
            line.className = "print-more";
            line.setAttribute("data-more", String(more));
            line.textContent = word("print_more", "Rows not printed: {n}. See the Excel export.")
                .replace("{n}", more.toLocaleString(document.documentElement.lang || "en"));
            box.appendChild(line);
        }
        if (!nodes.length) {
            box.appendChild(cell("p", word("print_none", "No rows for the chosen filters.")));
        }
        return box;
    }

    function tablesForPaper() {
        document.querySelectorAll(".print-grid").forEach(function (old) { old.remove(); });
        document.querySelectorAll(".scn-grid").forEach(function (element) {
            var table = gridTable(element);
            if (table) {
                element.insertAdjacentElement("afterend", table);
            }
        });
    }

    function start() {
        if (printing) {
            return ready;
        }
        printing = true;
        var root = document.documentElement;
        root.classList.add("scn-printing");
        tablesForPaper();
        var charts = window.scnCharts ? window.scnCharts.redraw() : Promise.resolve();
        ready = charts.then(function () {
            root.setAttribute("data-print-ready", "1");
        });
        return ready;
    }

    function stop() {
        if (!printing) {
            return;
        }
        printing = false;
        var root = document.documentElement;
        root.classList.remove("scn-printing");
        root.removeAttribute("data-print-ready");
        document.querySelectorAll(".print-grid").forEach(function (old) { old.remove(); });
        if (window.scnCharts) {
            window.scnCharts.redraw();
        }
    }

    var paper = window.matchMedia("print");
    paper.addEventListener("change", function (event) {
        if (event.matches) {
            start();
        } else {
            stop();
        }
    });
    window.addEventListener("beforeprint", start);
    window.addEventListener("afterprint", function () {
        if (!paper.matches) {
            stop();
        }
    });

    // The "Print / PDF" button (dashboards/shell/frame.py): the page made ready for paper first, then the
    // browser's print dialog, where "Save as PDF" makes the PDF.
    document.addEventListener("click", function (event) {
        if (event.target.closest && event.target.closest("#print-page")) {
            start().then(function () {
                window.print();
            });
        }
    });

    window.scnPrint = {start: start, stop: stop, PRINT_ROWS: PRINT_ROWS};
})();
