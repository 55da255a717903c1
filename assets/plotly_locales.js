// Written by tools/plotly_locales.py: plotly.js locales for French and Arabic, month, day and number words
// from CLDR (Babel, as the app's text), the toolbar's French words from plotly.js-locales 3.7.0 (MIT
// licence, copyright 2016-2024 Plotly Technologies Inc.). A graph picks one by its config's `locale`
// (components/chart_card.graph_config). Registered once window.Plotly exists.
(function () {
    "use strict";
    var locales = [
    {
        "moduleType": "locale",
        "name": "fr",
        "format": {
            "days": [
                "dimanche",
                "lundi",
                "mardi",
                "mercredi",
                "jeudi",
                "vendredi",
                "samedi"
            ],
            "shortDays": [
                "dim.",
                "lun.",
                "mar.",
                "mer.",
                "jeu.",
                "ven.",
                "sam."
            ],
            "months": [
                "janvier",
                "février",
                "mars",
                "avril",
                "mai",
                "juin",
                "juillet",
                "août",
                "septembre",
                "octobre",
                "novembre",
                "décembre"
            ],
            "shortMonths": [
                "janv.",
                "févr.",
                "mars",
                "avr.",
                "mai",
                "juin",
                "juil.",
                "août",
                "sept.",
                "oct.",
                "nov.",
                "déc."
            ],
            "decimal": ",",
            "thousands": " ",
            "date": "%d/%m/%Y"
        },
        "dictionary": {
            "Autoscale": "Échelle automatique",
            "Box Select": "Sélection rectangulaire",
            "Click to enter Colorscale title": "Ajouter un titre à l’échelle de couleurs",
            "Click to enter Component A title": "Ajouter un titre à la composante A",
            "Click to enter Component B title": "Ajouter un titre à la composante B",
            "Click to enter Component C title": "Ajouter un titre à la composante C",
            "Click to enter Plot title": "Ajouter un titre au graphique",
            "Click to enter Plot subtitle": "Ajouter un sous-titre au graphique",
            "Click to enter X axis title": "Ajouter un titre à l’axe des x",
            "Click to enter Y axis title": "Ajouter un titre à l’axe des y",
            "Click to enter radial axis title": "Ajouter un titre à l’axe radial",
            "Compare data on hover": "Comparaison entre données en survol",
            "Double-click on legend to isolate one trace": "Double-cliquer sur la légende pour isoler une série",
            "Double-click to zoom back out": "Double-cliquer pour dézoomer",
            "Download plot as a PNG": "Télécharger le graphique en fichier PNG",
            "Download plot": "Télécharger le graphique",
            "Edit in Chart Studio": "Éditer le graphique sur Chart Studio",
            "IE only supports svg.  Changing format to svg.": "IE ne permet que les conversions en SVG. Conversion en SVG en cours.",
            "Lasso Select": "Sélection lasso",
            "Orbital rotation": "Rotation orbitale",
            "Pan": "Translation",
            "Produced with Plotly.js": "Généré avec Plotly.js",
            "Reset": "Réinitialiser",
            "Reset axes": "Réinitialiser les axes",
            "Reset camera to default": "Régler la caméra à sa valeur défaut",
            "Reset camera to last save": "Régler la caméra à sa valeur sauvegardée",
            "Reset view": "Réinitialiser",
            "Reset views": "Réinitialiser",
            "Show closest data on hover": "Données les plus proches en survol",
            "Snapshot succeeded": "Conversion réussie",
            "Sorry, there was a problem downloading your snapshot!": "Désolé, un problème est survenu lors du téléchargement de votre graphique",
            "Taking snapshot - this may take a few seconds": "Conversion en cours, ceci peut prendre quelques secondes",
            "Zoom": "Zoom",
            "Zoom in": "Zoom intérieur",
            "Zoom out": "Zoom extérieur",
            "close:": "fermeture :",
            "trace": "série",
            "lat:": "lat. :",
            "lon:": "lon. :",
            "q1:": "q1 :",
            "q3:": "q3 :",
            "source:": "source :",
            "target:": "embouchure :",
            "lower fence:": "clôture inférieure :",
            "upper fence:": "clôture supérieure :",
            "max:": "max. :",
            "mean ± σ:": "moyenne ± σ :",
            "mean:": "moyenne :",
            "median:": "médiane :",
            "min:": "min. :",
            "new text": "nouveau texte",
            "Turntable rotation": "Rotation planaire",
            "Toggle Spike Lines": "Activer/désactiver les pics",
            "open:": "ouverture :",
            "high:": "haut :",
            "low:": "bas :",
            "Toggle show closest data on hover": "Activer/désactiver le survol",
            "incoming flow count:": "flux entrant :",
            "outgoing flow count:": "flux sortant :",
            "kde:": "est. par noyau :"
        }
    },
    {
        "moduleType": "locale",
        "name": "ar",
        "format": {
            "days": [
                "الأحد",
                "الاثنين",
                "الثلاثاء",
                "الأربعاء",
                "الخميس",
                "الجمعة",
                "السبت"
            ],
            "shortDays": [
                "الأحد",
                "الاثنين",
                "الثلاثاء",
                "الأربعاء",
                "الخميس",
                "الجمعة",
                "السبت"
            ],
            "months": [
                "يناير",
                "فبراير",
                "مارس",
                "أبريل",
                "مايو",
                "يونيو",
                "يوليو",
                "أغسطس",
                "سبتمبر",
                "أكتوبر",
                "نوفمبر",
                "ديسمبر"
            ],
            "shortMonths": [
                "يناير",
                "فبراير",
                "مارس",
                "أبريل",
                "مايو",
                "يونيو",
                "يوليو",
                "أغسطس",
                "سبتمبر",
                "أكتوبر",
                "نوفمبر",
                "ديسمبر"
            ],
            "decimal": ".",
            "thousands": ",",
            "date": "%d/%m/%Y"
        },
        "dictionary": {}
    }
];
    (function register() {
        if (window.Plotly && window.Plotly.register) {
            locales.forEach(function (locale) { window.Plotly.register(locale); });
        } else {
            setTimeout(register, 20);
        }
    })();
})();
