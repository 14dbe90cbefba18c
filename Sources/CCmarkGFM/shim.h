// CommonMark with GitHub's extensions (tables), as Debian's cmark-gfm ships it.
#include <cmark-gfm.h>
#include <cmark-gfm-core-extensions.h>
