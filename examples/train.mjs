#!/usr/bin/env node
/**
 * A stand-in training script for the demo sweep: it takes W&B-style `--key=value` arguments,
 * "trains" for `--epochs` epochs on a synthetic loss surface and prints one JSON line per epoch
 * (each line is one logged step, like wandb.log). Deterministic for given arguments.
 *
 *   node examples/train.mjs --learning_rate=0.01 --optimizer=adam --layers=3 --dropout=0.2 --epochs=12
 */
const args = Object.fromEntries(
  process.argv.slice(2).map((a) => {
    const m = /^--([^=]+)=(.*)$/.exec(a);
    if (!m) {
      console.error(`unexpected argument ${a}; expected --key=value`);
      process.exit(2);
    }
    return [m[1], m[2]];
  }),
);
const lr = Number(args.learning_rate ?? 0.01);
const layers = Number(args.layers ?? 2);
const dropout = Number(args.dropout ?? 0.1);
const optimizer = args.optimizer ?? 'adam';
const epochs = Number(args.epochs ?? 10);
const delayMs = Number(process.env.DEMO_EPOCH_MS ?? 40);

// A loss surface with an optimum near lr = 3e-3, 4 layers, dropout 0.25 and a better optimizer.
const lrTerm = (Math.log10(lr) - Math.log10(3e-3)) ** 2 * 0.35;
const shapeTerm = 0.04 * (layers - 4) ** 2 + 1.5 * (dropout - 0.25) ** 2;
const optTerm = { adam: 0, sgd: 0.12, rmsprop: 0.05 }[optimizer] ?? 0.2;
const floor = 0.08 + lrTerm + shapeTerm + optTerm;
const speed = Math.min(1, Math.max(0.05, lr * 150)) * (optimizer === 'sgd' ? 0.6 : 1);

let stopping = false;
process.on('SIGTERM', () => {
  stopping = true;
});

for (let epoch = 1; epoch <= epochs && !stopping; epoch++) {
  const valLoss = floor + 1.2 * Math.exp(-speed * epoch * 0.6) + 0.01 * Math.sin(epoch * 7 + layers);
  const trainLoss = valLoss * 0.9;
  console.log(JSON.stringify({ epoch, train_loss: +trainLoss.toFixed(5), val_loss: +valLoss.toFixed(5) }));
  console.error(`epoch ${epoch}/${epochs} done`);
  await new Promise((r) => setTimeout(r, delayMs));
}
