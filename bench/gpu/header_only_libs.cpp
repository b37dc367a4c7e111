// Boost.JSON's implementation, compiled into the standalone GPU benchmark (the main build
// links Debian's libboost_json instead).
#include <boost/json/src.hpp>
