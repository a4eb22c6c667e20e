import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { synthExample } from '../scripts/synth-examples';

const README = fs.readFileSync(path.join(__dirname, '..', 'README.md'), 'utf-8');

test("the README's fine-tune YAML is what examples/llm-finetune-lora synthesizes", () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'aip-readme-'));
  synthExample('llm-finetune-lora', out);
  const yaml = fs.readFileSync(path.join(out, 'llm-finetune-lora.k8s.yaml'), 'utf-8').trim();
  fs.rmSync(out, { recursive: true, force: true });
  const block = /<summary>The YAML it makes<\/summary>\n\n```yaml\n([\s\S]*?)\n```/.exec(README);
  expect(block).not.toBeNull();
  expect(block![1]).toBe(yaml);
});

test("the README's fine-tune code is the example's code", () => {
  const main = fs.readFileSync(path.join(__dirname, '..', 'examples', 'llm-finetune-lora', 'main.ts'), 'utf-8');
  const code = /## LLM fine-tuning as the talk shows it[\s\S]*?```ts\n([\s\S]*?)\n```/.exec(README)![1];
  const indented = code.split('\n').map(l => (l ? `    ${l}` : l)).join('\n');
  expect(main).toContain(indented);
  expect(code.split('\n').length).toBeLessThanOrEqual(25);
});
