import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseFragment } from '../../../src/compose/index.js';
import { firstStringArg, relationFields, relationName } from '../../../src/compose/parser.js';

const SOURCE = `// leading comment
/// doc comment
model User {
  id    Int     @id @default(autoincrement()) // trailing
  email String  @unique @db.VarChar(255)
  note  String? @default("a // b @fake")
  posts Post[]
  blob  Unsupported("circle")?

  @@map(name: "users")
  @@index([email])
}

enum Role {
  ADMIN @map("admin")
}

generator client {
  provider = "prisma-client"
}
`;

describe('fragment parser', () => {
  const parsed = parseFragment('/x.prisma', SOURCE);

  it('finds top-level blocks with their lines and columns', () => {
    assert.deepEqual(
      parsed.blocks.map((b) => [b.kind, b.name, b.line, b.column, b.nameColumn, b.endLine]),
      [
        ['model', 'User', 3, 1, 7, 12],
        ['enum', 'Role', 14, 1, 6, 16],
        ['generator', 'client', 18, 1, 11, 20],
      ],
    );
  });

  it('reads fields: type, modifiers, attributes and positions; ignores comments and strings', () => {
    const user = parsed.blocks[0]!;
    assert.deepEqual(
      user.fields.map((f) => [f.name, f.type, f.list, f.optional, f.line, f.column, f.typeColumn]),
      [
        ['id', 'Int', false, false, 4, 3, 9],
        ['email', 'String', false, false, 5, 3, 9],
        ['note', 'String', false, true, 6, 3, 9],
        ['posts', 'Post', true, false, 7, 3, 9],
        ['blob', 'Unsupported', false, true, 8, 3, 9],
      ],
    );
    assert.deepEqual(user.fields[0]!.attributes.map((a) => [a.name, a.args, a.column]), [
      ['id', '', 17],
      ['default', 'autoincrement()', 21],
    ]);
    assert.deepEqual(user.fields[1]!.attributes.map((a) => a.name), ['unique', 'db.VarChar']);
    assert.deepEqual(user.fields[2]!.attributes.map((a) => [a.name, a.args]), [['default', '"a // b @fake"']]);
  });

  it('reads block attributes and their string arguments', () => {
    const user = parsed.blocks[0]!;
    assert.deepEqual(user.blockAttributes.map((a) => [a.name, a.line, a.column]), [
      ['map', 10, 3],
      ['index', 11, 3],
    ]);
    assert.equal(firstStringArg(user.blockAttributes[0]!.args)?.value, 'users');
    assert.equal(parsed.blocks[1]!.fields.length, 0, 'enum values are not fields');
  });

  it('keeps every line verbatim', () => {
    assert.equal(`${parsed.lines.join('\n')}\n`, SOURCE);
  });

  it('reads relation names and foreign-key fields', () => {
    assert.equal(relationName('"a", fields: [x], references: [id]'), 'a');
    assert.equal(relationName('fields: [x], references: [id], name: "b"'), 'b');
    assert.equal(relationName('fields: [x], references: [id]'), undefined);
    assert.deepEqual(relationFields('fields: [a, b], references: [x, y]'), ['a', 'b']);
  });
});
