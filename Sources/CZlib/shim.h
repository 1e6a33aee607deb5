// zlib's public header, exposed to Swift as the module CZlib (Debian: zlib1g-dev, which
// libpng-dev depends on): gunzip for the MNIST IDX files.
#include <zlib.h>
