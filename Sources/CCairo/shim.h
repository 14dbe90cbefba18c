// Cairo for drawing (PNG, PDF and SVG surfaces) and Pango for text layout.
#include <cairo.h>
#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <pango/pangocairo.h>
