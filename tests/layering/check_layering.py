"""The layering check: every #include in src/ stays within the stages cmake/stages.cmake allows.

usage: check_layering.py SOURCE_ROOT
Reads the allowed dependencies of each stage from SOURCE_ROOT/cmake/stages.cmake (the same list the build links
and exposes headers from), then checks each file under SOURCE_ROOT/src/<stage>/: an include of "<other>/..." must
name the stage itself or one of its dependencies (generated protobuf headers, "*.pb.h", count as the stage
"proto"). It also checks that no CMakeLists.txt under src/ adds a global include path or links another stage by
hand, so the list stays the one statement of the layering. Prints each violation with file and line; exits 1 if
there is any.
"""
import pathlib
import re
import sys

STAGE_LIST = re.compile(r'^set\(VGSALES_STAGE_DEPENDS_(\w+)((?:\s+\w+)*)\s*(?:"")?\s*\)', re.M)
INCLUDE = re.compile(r'^\s*#\s*include\s+"([\w.]+)/([^"]+)"', re.M)
HAND_LINK = re.compile(r"target_link_libraries\([^)]*\bvgsales_(\w+)", re.S)


def allowed_dependencies(root):
    text = (root / "cmake" / "stages.cmake").read_text()
    return {stage: set(deps.split()) for stage, deps in STAGE_LIST.findall(text)}


def violations(root):
    allowed = allowed_dependencies(root)
    found = []
    for stage_dir in sorted((root / "src").iterdir()):
        if not stage_dir.is_dir():
            continue
        stage = stage_dir.name
        if stage not in allowed:
            found.append(f"src/{stage}: a stage missing from cmake/stages.cmake")
            continue
        for path in sorted(stage_dir.rglob("*")):
            relative = path.relative_to(root)
            if path.suffix in (".h", ".cpp"):
                text = path.read_text()
                for match in INCLUDE.finditer(text):
                    folder, rest = match.groups()
                    used = "proto" if rest.endswith(".pb.h") else folder
                    if used != stage and used not in allowed[stage]:
                        line = text.count("\n", 0, match.start()) + 1
                        found.append(f"{relative}:{line}: stage '{stage}' includes '{folder}/{rest}' from stage "
                                     f"'{used}', which it may not use (allowed: {', '.join(sorted(allowed[stage]))})")
            elif path.name == "CMakeLists.txt":
                text = path.read_text()
                if re.search(r"^\s*include_directories\(", text, re.M):
                    found.append(f"{relative}: a global include_directories(); use the stage's own include root")
                for linked in HAND_LINK.findall(text):
                    if linked != stage and linked in allowed:
                        found.append(f"{relative}: links vgsales_{linked} by hand; list it in cmake/stages.cmake")
    return found


def main():
    root = pathlib.Path(sys.argv[1])
    found = violations(root)
    for line in found:
        print(line)
    if found:
        sys.exit(1)
    stages = allowed_dependencies(root)
    print(f"layering ok: {len(stages)} stages, every include within its allowed stages")


if __name__ == "__main__":
    main()
