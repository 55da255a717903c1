// A callback that fails on the server answers 500 with a reference (dashboards/security/auth.py, callback_failed). Dash
// shows nothing when debug is off, so the chart or table the callback fills would stay blank: here its card says
// it could not load and gives the reference to quote. A later answer for the same output clears the message; an
// answer for another output of the card (the notes beside a chart) leaves it.
(function () {
    // The reader's words, handed over by the frame (dashboards/i18n/browser.py), else `english`.
    function word(key, english) {
        var element = document.getElementById("scn-words");
        try {
            return (element && JSON.parse(element.getAttribute("data-words"))[key]) || english;
        } catch (e) {
            return english;
        }
    }

    var CALLBACK = "/_dash-update-component";
    var realFetch = window.fetch.bind(window);

    function outputIds(body) {
        try {
            var outputs = JSON.parse(body).outputs;
            return [].concat(outputs).flat().map(function (o) {
                return typeof o.id === "string" ? o.id : stringify(o.id);
            });
        } catch (e) {
            return [];
        }
    }

    // Dash's DOM id of a pattern-matching component: its keys sorted, values as JSON
    function stringify(id) {
        return "{" + Object.keys(id).sort().map(function (k) {
            return JSON.stringify(k) + ":" + JSON.stringify(id[k]);
        }).join(",") + "}";
    }

    function slot(id) {
        var element = document.getElementById(id);
        if (!element) {
            return null;
        }
        var card = element.closest(".chart-card, .grid-block") || element.parentElement;
        var message = card.querySelector(".load-error");
        if (!message) {
            message = document.createElement("p");
            message.className = "load-error";
            message.setAttribute("role", "alert");
            message.hidden = true;
            card.insertBefore(message, card.firstChild);
        }
        return message;
    }

    window.fetch = function (resource, init) {
        var url = typeof resource === "string" ? resource : (resource && resource.url) || "";
        var answer = realFetch(resource, init);
        if (url.indexOf(CALLBACK) === -1 || !init || typeof init.body !== "string") {
            return answer;
        }
        var ids = outputIds(init.body);
        return answer.then(function (response) {
            if (response.status === 500) {
                response.clone().json().catch(function () {
                    return {};
                }).then(function (error) {
                    ids.forEach(function (id) {
                        var message = slot(id);
                        if (message) {
                            message.textContent = word("could_not_load", "This could not load (reference "
                                + "{reference}). Reload the page; if it happens again, tell the data team the "
                                + "reference.").replace("{reference}", error.reference || "unknown");
                            message.hidden = false;
                            message.dataset.output = id;
                        }
                    });
                });
            } else if (response.ok) {
                ids.forEach(function (id) {
                    var element = document.getElementById(id);
                    var card = element && (element.closest(".chart-card, .grid-block") || element.parentElement);
                    var message = card && card.querySelector(".load-error");
                    if (message && message.dataset.output === id) {
                        message.hidden = true;
                    }
                });
            }
            return response;
        });
    };
})();
