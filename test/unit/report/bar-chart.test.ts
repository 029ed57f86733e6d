import { inflateSync } from 'node:zlib';
import { renderBarChart } from '../../../src/report/bar-chart.js';
import { crc32, Raster } from '../../../src/report/raster.js';

/** Splits a PNG into its chunks, checking each CRC. */
function chunks(png: Buffer): Array<{ type: string; data: Buffer }> {
  expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const out: Array<{ type: string; data: Buffer }> = [];
  let at = 8;
  while (at < png.length) {
    const len = png.readUInt32BE(at);
    const type = png.toString('ascii', at + 4, at + 8);
    const data = png.subarray(at + 8, at + 8 + len);
    expect(png.readUInt32BE(at + 8 + len)).toBe(crc32(png.subarray(at + 4, at + 8 + len)));
    out.push({ type, data });
    at += 12 + len;
  }
  return out;
}

describe('PNG output', () => {
  it('crc32 matches the standard check value', () => {
    expect(crc32(Buffer.from('123456789'))).toBe(0xcbf43926);
  });

  it('a raster encodes as a valid 8-bit RGB PNG whose pixels decode back', () => {
    const r = new Raster(3, 2, [255, 255, 255]);
    r.fill(1, 0, 1, 2, [10, 20, 30]);
    const cs = chunks(r.toPng());
    expect(cs.map((c) => c.type)).toEqual(['IHDR', 'IDAT', 'IEND']);
    const ihdr = cs[0]!.data;
    expect([ihdr.readUInt32BE(0), ihdr.readUInt32BE(4), ihdr[8], ihdr[9]]).toEqual([3, 2, 8, 2]);
    const raw = inflateSync(cs[1]!.data);
    expect(raw.length).toBe((3 * 3 + 1) * 2);
    expect([...raw.subarray(0, 10)]).toEqual([0, 255, 255, 255, 10, 20, 30, 255, 255, 255]);
  });

  it('the importance chart has a row per bar, highlights generated features, and is deterministic', () => {
    const input = {
      title: 'Feature importance',
      bars: [
        { label: 'ratio_income_members', value: 0.5, highlight: true },
        { label: 'income', value: 0.3 },
        { label: 'members', value: 0.2 },
      ],
    };
    const a = renderBarChart(input);
    expect(a.equals(renderBarChart(input))).toBe(true);
    const [ihdr, idat] = chunks(a);
    const width = ihdr!.data.readUInt32BE(0);
    const height = ihdr!.data.readUInt32BE(4);
    expect(width).toBe(900);
    const raw = inflateSync(idat!.data);
    const pixel = (x: number, y: number): number[] => [...raw.subarray(y * (width * 3 + 1) + 1 + x * 3, y * (width * 3 + 1) + 1 + x * 3 + 3)];
    // the highlight colour appears (generated feature), the plain bar colour too
    const colours = new Set<string>();
    for (let y = 0; y < height; y += 2) for (let x = 0; x < width; x += 3) colours.add(pixel(x, y).join(','));
    expect(colours.has('13,110,253')).toBe(true);
    expect(colours.has('134,142,150')).toBe(true);
    expect(renderBarChart({ ...input, bars: [...input.bars, { label: 'x', value: 0.1 }] }).length).toBeGreaterThan(0);
  });

  it('copes with no bars and non-finite values', () => {
    expect(chunks(renderBarChart({ title: 'empty', bars: [] })).length).toBe(3);
    expect(chunks(renderBarChart({ title: 'nan', bars: [{ label: 'a', value: NaN }, { label: 'b', value: 0 }] })).length).toBe(3);
  });
});
