import { formatExpr, parseFeature, type Expr } from '../../../../src/malmas/dsl/index.js';

/** Fully parenthesised prefix form, to assert tree shape. */
function sx(e: Expr): string {
  switch (e.type) {
    case 'num':
      return String(e.value);
    case 'str':
      return JSON.stringify(e.value);
    case 'col':
      return e.name;
    case 'unary':
      return `(${e.op === '-' ? 'neg' : 'not'} ${sx(e.arg)})`;
    case 'binary':
      return `(${e.op} ${sx(e.left)} ${sx(e.right)})`;
    case 'call':
      return `(${e.name}${e.args.map((a) => ' ' + sx(a)).join('')})`;
  }
}

function tree(text: string): string {
  const r = parseFeature(text);
  if (!r.ok) throw new Error(r.error);
  return sx(r.expr);
}

function error(text: string): string {
  const r = parseFeature(text);
  if (r.ok) throw new Error(`expected a parse error for ${text}`);
  return r.error;
}

describe('feature language parser', () => {
  it.each([
    ['1 + 2 * 3', '(+ 1 (* 2 3))'],
    ['(1 + 2) * 3', '(* (+ 1 2) 3)'],
    ['a - b - c', '(- (- a b) c)'],
    ['a / b / c', '(/ (/ a b) c)'],
    ['a % 3 * 2', '(* (% a 3) 2)'],
    ['2 ^ 3 ^ 2', '(^ 2 (^ 3 2))'],
    ['a ** 2', '(^ a 2)'],
    ['-a ^ 2', '(neg (^ a 2))'],
    ['(-a) ^ 2', '(^ (neg a) 2)'],
    ['2 ^ -a', '(^ 2 (neg a))'],
    ['-a * b', '(* (neg a) b)'],
    ['- -a', '(neg (neg a))'],
    ['+a', 'a'],
    ['a < b + 1', '(< a (+ b 1))'],
    ['a == 1 and b != 2 or c', '(or (and (== a 1) (!= b 2)) c)'],
    ['a or b and c', '(or a (and b c))'],
    ['not a and b', '(and (not a) b)'],
    ['not a == b', '(not (== a b))'],
    ['not not a', '(not (not a))'],
    ['A AND B Or NOT C', '(or (and A B) (not C))'],
    ['f(a, b + 1)', '(f a (+ b 1))'],
    ['LOG(x)', '(log x)'],
    ['g()', '(g)'],
    ['`emp.var.rate` + 1', '(+ emp.var.rate 1)'],
    ['emp.var.rate * 2', '(* emp.var.rate 2)'],
    ['[my col] * 2', '(* my col 2)'],
    ['`a``b`', 'a`b'],
    ['`and` + `not`', '(+ and not)'],
    ['1e-3 + .5 + 2. + 1E+2', '(+ (+ (+ 0.001 0.5) 2) 100)'],
    ['"a\\"b" == \'c\'', '(== "a\\"b" "c")'],
    ['Größe * 2', '(* Größe 2)'],
    ['\n a\t+\r\nb ', '(+ a b)'],
  ])('%s', (text, want) => {
    expect(tree(text)).toBe(want);
  });

  it('formats expressions back to text that parses to the same tree', () => {
    for (const t of ['-a ^ 2', '(-a) ^ 2', '2 ^ 3 ^ 2', '(2 ^ 3) ^ 2', 'a - (b - c)', 'not (a and b) or c', '(not a) + 1 == 2',
      'if(x > 1, "a\\n", `my col`) == "a"', '2 ^ -1', '- -x', 'a == (b == c)', '`and` * 1e-7']) {
      const r = parseFeature(t);
      if (!r.ok) throw new Error(r.error);
      expect(tree(formatExpr(r.expr))).toBe(sx(r.expr));
    }
  });

  it.each([
    ['', 'empty expression at position 1'],
    ['   ', 'empty expression at position 1'],
    ['1 +', 'expected a value (number, string, column or function call), found end of input at position 4'],
    ['(a + b', "expected ')' to close '(' from position 1, found end of input at position 7"],
    ['a b', "unexpected name 'b' after a complete expression (missing operator or comma?) at position 3"],
    ['a < b < c', 'comparisons cannot be chained; write (a < b) and (b < c) at position 7'],
    ['a = 1', "'=' is not an operator here (use '==' to compare) at position 3"],
    ['a && b', "'&&' is not an operator here (use 'and') at position 3"],
    ['a || b', "'||' is not an operator here (use 'or') at position 3"],
    ['!a', "'!' is not an operator here (use 'not') at position 1"],
    ['2x', "a number is followed by a name (write '2 * x...' for a product) at position 2"],
    ['"abc', 'unterminated string (opened with ") at position 1'],
    ['`abc', 'unterminated column name (opened with `, close it with `) at position 1'],
    ['``', 'empty column name at position 1'],
    ['f(a,)', "expected a value (number, string, column or function call), found ')' at position 5"],
    ['f(a b)', "expected ',' or ')' in the arguments of f( from position 2, found name 'b' at position 5"],
    ['a $ b', "unexpected '$' at position 3"],
    ['a + not b', "'not' binds loosely: put it in parentheses, as in (not a) at position 5"],
    ['and b', "'and' needs a value on its left at position 1"],
    ['`x`(1)', 'a quoted name is a column, not a function at position 4'],
    ['df.x.mean()', "'df.x.mean(' looks like a method call, but there are no methods"], ['process.exit(1)', 'looks like a method call'],
    ['1e999', 'number 1e999 is too large at position 1'],
    ['a ? b : c', "'?' is not an operator here (use if(cond, a, b)) at position 3"],
  ])('rejects %j', (text, want) => {
    expect(error(text)).toContain(want);
  });

  it('shows where the error is', () => {
    expect(error('log(Fare +) * 2')).toBe(
      `expected a value (number, string, column or function call), found ')' at position 11: "log(Fare +⟨here⟩) * 2"`,
    );
  });

  it('enforces the length, depth and size limits', () => {
    expect(error('a+'.repeat(1000) + 'a')).toBe('expression too long (2001 characters; the limit is 2000)');
    expect(error('('.repeat(100) + 'a' + ')'.repeat(100))).toContain('nested too deeply (more than 64 levels)');
    expect(error('a+'.repeat(100) + 'a')).toContain('nested too deeply (more than 64 levels)');
    expect(error('-'.repeat(100) + 'a')).toContain('nested too deeply');
    expect(error('f(' + 'f('.repeat(80) + ')'.repeat(81))).toContain('nested too deeply');
    expect(error('concat(' + 'a,'.repeat(299) + 'a)')).toContain('expression too large (more than 256 operations)');
    expect(tree('a+'.repeat(60) + 'a')).toMatch(/^\(\+/);
  });

  it('returns an error for a non-string input instead of throwing', () => {
    expect(parseFeature(42 as unknown as string)).toEqual({ ok: false, error: 'a feature must be a text expression' });
  });
});
