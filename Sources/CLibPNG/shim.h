// libpng's public header, exposed to Swift as the module CLibPNG (Debian: libpng-dev).
#include <png.h>
