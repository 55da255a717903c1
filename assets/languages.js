// The language switch (dashboards/shell/language.py): each link is the page's own address, its filters kept,
// with `lang` set to the link's language. Kept in step with language.href on the server.
window.dash_clientside = window.dash_clientside || {};
window.dash_clientside.languages = {
    switchLinks: function (search, pathname, langs) {
        return langs.map(function (lang) {
            var params = new URLSearchParams(search || "");
            params.delete("lang");
            params.append("lang", lang);
            return (pathname || "/") + "?" + params.toString();
        });
    },
};
