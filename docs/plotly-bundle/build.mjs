// Bundles plotly.js with only the trace types in traces.json into ../../assets/vendor/plotly-scn.min.js, with the
// options plotly.js's own build uses (its esbuild-config.js), minified, with no address off the machine left in it
// (offline, below), and writes the licences of everything in it to LICENSES.txt here. Run `npm ci && npm run
// build` here; see README.md.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { environmentPlugin } from 'esbuild-plugin-environment';
import InlineCSSPlugin from 'esbuild-plugin-inline-css';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const traces = JSON.parse(readFileSync(join(here, 'traces.json'), 'utf8'));
const version = require('plotly.js/package.json').version;
const out = join(here, '..', '..', 'assets', 'vendor', 'plotly-scn.min.js');
const licences = join(here, 'LICENSES.txt');

// scatter is part of plotly.js's core; the others are registered as plotly.js's own partial bundles do (lib/).
const entry = ["'use strict';", "var Plotly = require('plotly.js/lib/core');", 'Plotly.register([',
    ...traces.filter((t) => t !== 'scatter').map((t) => `    require('plotly.js/lib/${t}'),`),
    ']);', 'module.exports = Plotly;', ''].join('\n');

// plotly.js's registry requires maplibre-gl's stylesheet (80 KB) when a `map` subplot registers; none of these
// traces has one, so that require never runs and the stylesheet would only be dead weight in the file.
const noMaplibreCss = {
    name: 'no-maplibre-css',
    setup(build) {
        build.onResolve({ filter: /^maplibre-gl\/dist\/maplibre-gl\.css$/ }, (args) => ({ path: args.path, namespace: 'empty' }));
        build.onLoad({ filter: /.*/, namespace: 'empty' }, () => ({ contents: '', loader: 'js' }));
    },
};

const banner = `/**
* plotly.js v${version} (partial bundle: ${traces.join(', ')})
* Copyright 2012-2026, Plotly, Inc. All rights reserved. Licensed under the MIT license.
* Built from the npm package plotly.js@${version} by docs/plotly-bundle (see its README). The licences of
* plotly.js and of the packages bundled with it: docs/plotly-bundle/LICENSES.txt.
*/`;

mkdirSync(dirname(out), { recursive: true });
const result = await esbuild.build({
    stdin: { contents: entry, resolveDir: here, sourcefile: 'plotly-scn-entry.js' },
    outfile: out,
    format: 'iife',
    globalName: 'Plotly',
    bundle: true,
    minify: true,
    legalComments: 'none',  // their full texts are in LICENSES.txt
    banner: { js: banner },
    plugins: [noMaplibreCss, InlineCSSPlugin(), environmentPlugin({ NODE_DEBUG: false })],
    define: { global: 'window', 'define.amd': 'false' },
    target: 'es2016',
    logLevel: 'info',
    metafile: true,
});

// Every package with code in the bundle, with its licence file.
const packages = new Set(Object.keys(result.metafile.inputs)
    .map((input) => input.match(/node_modules\/((?:@[^/]+\/)?[^/]+)\//)?.[1]).filter(Boolean));
const notices = [...packages].sort().map((name) => {
    const folder = join(here, 'node_modules', name);
    const meta = JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8'));
    const file = readdirSync(folder).find((f) => /^(licen[cs]e|copying)/i.test(f));
    const text = file ? readFileSync(join(folder, file), 'utf8').trim() : `License: ${meta.license}`;
    return `${name}@${meta.version} (${meta.license})\n\n${text}\n`;
});
writeFileSync(licences, `Licences of assets/vendor/plotly-scn.min.js: plotly.js ${version} and the `
    + `packages bundled with it.\n\n${notices.join(`\n${'-'.repeat(80)}\n\n`)}`);

// Offline: the dashboard must never reach past its own server. plotly.js's defaults point at its CDN (map
// geometry) and Chart Studio: they become the app's own topojson folder and nothing. Its attribute descriptions,
// error messages and modebar logo link to documentation sites: those links become about:blank. Only the XML
// namespace names SVG needs (http://www.w3.org/...) stay; they are names, never fetched.
const DEFAULTS = [['dflt:"https://cdn.plot.ly/un/"', 'dflt:"/assets/topojson/"'],
    ['dflt:"https://cloud.plotly.com/newchart"', 'dflt:""']];
const NAMESPACE = /^http:\/\/www\.w3\.org\/(1999|2000|XML)\//;
let code = readFileSync(out, 'utf8');
for (const [from, to] of DEFAULTS) {
    if (code.split(from).length !== 2) throw new Error(`expected ${from} once in plotly.js ${version}: update build.mjs`);
    code = code.replace(from, to);
}
code = code.replace(/https?:\/\/[^\s"'`)\\]+/g, (url) => (NAMESPACE.test(url) ? url : 'about:blank'));
writeFileSync(out, code);

const bytes = Buffer.byteLength(code);
console.log(`plotly.js ${version} with ${traces.join(', ')}: ${(bytes / 1024).toFixed(0)} KB, `
    + `${packages.size} packages -> ${out}`);
