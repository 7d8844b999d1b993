#include "app.hpp"

int main(int argc, char** argv) { return sne::cli::run(argc, argv); }
