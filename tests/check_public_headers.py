"""Public headers include only the standard library and other sne/ headers, and the C++17
compile check includes every one of them."""

import os
import re
import sys

STANDARD = {
    "algorithm", "array", "atomic", "chrono", "cstddef", "cstdint", "functional",
    "initializer_list", "map", "memory", "optional", "stdexcept", "string", "string_view",
    "type_traits", "utility", "variant", "vector",
}

headers_dir, compile_check = sys.argv[1], sys.argv[2]
failures = []
headers = sorted(h for h in os.listdir(headers_dir) if h.endswith(".hpp"))
for header in headers:
    with open(os.path.join(headers_dir, header), encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            m = re.match(r'\s*#\s*include\s*([<"])([^>"]+)[>"]', line)
            if not m:
                continue
            name = m.group(2)
            if m.group(1) == '"' and name.startswith("sne/"):
                continue
            if m.group(1) == "<" and name in STANDARD:
                continue
            failures.append(f"{header}:{number}: includes {name}: only the standard library "
                            "and sne/ headers may appear in the public API")
with open(compile_check, encoding="utf-8") as f:
    checked = set(re.findall(r"#include <sne/([^>]+)>", f.read()))
for header in headers:
    if header not in checked:
        failures.append(f"{compile_check}: does not include sne/{header}")
for failure in failures:
    print(failure)
print(f"{len(headers)} public headers checked, {len(failures)} problems")
sys.exit(1 if failures else 0)
