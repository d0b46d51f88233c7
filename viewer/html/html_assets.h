/* SPDX-License-Identifier: MIT */
/* html_assets.h - the page sources of viewer/html (template.html, view.css,
 * and the *.js files joined in page order), embedded at build time by
 * embed.cmake. Each array ends with a NUL not counted in its _len. */
#ifndef CTRACE_HTML_ASSETS_H
#define CTRACE_HTML_ASSETS_H

#include <stddef.h>

extern const char html_asset_template[];
extern const size_t html_asset_template_len;
extern const char html_asset_css[];
extern const size_t html_asset_css_len;
extern const char html_asset_js[];
extern const size_t html_asset_js_len;

#endif
