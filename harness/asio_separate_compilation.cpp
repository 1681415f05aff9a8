// The one translation unit that compiles Boost.Asio, its SSL support and Boost.Beast, so that
// every other file only includes declarations (BOOST_*_SEPARATE_COMPILATION, see CMakeLists.txt).
#include <boost/asio/impl/src.hpp>
#include <boost/asio/ssl/impl/src.hpp>
#include <boost/beast/src.hpp>
