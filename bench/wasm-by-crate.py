#!/usr/bin/env python3
"""Where a WebAssembly module's bytes go: the code's function bodies summed by the crate in
each function's (legacy-mangled) name, from the name section cargo leaves in a release build
before wasm-opt; the largest functions; and the data segment.

  cargo build --release --target wasm32-unknown-unknown --bin worker
  python3 bench/wasm-by-crate.py target/wasm32-unknown-unknown/release/worker.wasm
  (the page: --profile release-page --bin kpb-app, in target/…/release-page/kpb-app.wasm)

A name starting with `<` is a trait impl: `<kpb` is an impl for one of the engine's types,
such as a derived serde reader, wherever its code was instantiated."""
import collections
import re
import sys


def leb(b, i):
    result = shift = 0
    while True:
        x = b[i]
        i += 1
        result |= (x & 0x7F) << shift
        shift += 7
        if x < 0x80:
            return result, i


def main(path, top=25):
    data = open(path, 'rb').read()
    i, imported, bodies, names, sizes = 8, 0, [], {}, collections.Counter()
    while i < len(data):
        section, i = data[i], i + 1
        size, i = leb(data, i)
        end = i + size
        sizes[section] += size
        if section == 2:  # imports: functions among them are numbered first
            count, j = leb(data, i)
            for _ in range(count):
                for _ in range(2):
                    n, j = leb(data, j)
                    j += n
                kind, j = data[j], j + 1
                if kind == 0:
                    _, j = leb(data, j)
                    imported += 1
                elif kind in (1, 2):
                    j += 1 if kind == 1 else 0
                    flags, j = leb(data, j)
                    _, j = leb(data, j)
                    if flags & 1:
                        _, j = leb(data, j)
                elif kind == 3:
                    j += 2
        elif section == 10:  # code
            count, j = leb(data, i)
            for _ in range(count):
                n, j = leb(data, j)
                bodies.append(n)
                j += n
        elif section == 0:  # custom: the name section's function names
            n, j = leb(data, i)
            if data[j:j + n] == b'name':
                j += n
                while j < end:
                    sub, j = data[j], j + 1
                    n, j = leb(data, j)
                    if sub == 1:
                        count, k = leb(data, j)
                        for _ in range(count):
                            index, k = leb(data, k)
                            m, k = leb(data, k)
                            names[index] = data[k:k + m].decode('utf-8', 'replace')
                            k += m
                    j += n
        i = end
    by_crate = collections.Counter()
    functions = []
    for index, size in enumerate(bodies):
        name = names.get(index + imported, '?')
        functions.append((size, name))
        crate = '?'
        m = re.match(r'_ZN(\d+)', name)
        if m:
            first = name[3 + len(m.group(1)):3 + len(m.group(1)) + int(m.group(1))]
            impl = re.search(r'([a-z_][a-z0-9_]*)\.\.', name[3 + len(m.group(1)):])
            crate = '<' + impl.group(1) if first.startswith('_$LT$') and impl else first
        by_crate[crate] += size
    print(f'code {sum(bodies)} bytes, data segment {sizes[11]}, names and other custom sections {sizes[0]}')
    for crate, size in by_crate.most_common(top):
        print(f'{size:>9}  {crate}')
    print('largest functions:')
    for size, name in sorted(functions, reverse=True)[:top]:
        print(f'{size:>9}  {name[:140]}')


if __name__ == '__main__':
    main(sys.argv[1])
