// The world map's geometry, fetched as the page starts. plotly.js looks for it in window.PlotlyGeoAssets before
// fetching <topojsonURL>world_110m.json itself (components.GRAPH_CONFIG), and would only ask once the map's
// figure has arrived: one more round trip at the end of the page load, two when the map redraws before the
// answer is in. The maps draw at resolution 110 (figures/maps.py, figures/impact.py).
(function () {
    var assets = (window.PlotlyGeoAssets = window.PlotlyGeoAssets || {topojson: {}});
    assets.topojson = assets.topojson || {};
    fetch("/assets/topojson/world_110m.json")
        .then(function (response) {
            return response.ok ? response.json() : null;
        })
        .then(function (geometry) {
            if (geometry && !assets.topojson.world_110m) {
                assets.topojson.world_110m = geometry;
            }
        })
        .catch(function () {
            // plotly.js fetches it itself, and reports a failure where the map should be
        });
})();
