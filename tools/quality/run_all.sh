#!/bin/sh
# The order the FINDINGS numbers were produced in (about 1.5 h on 2 quiet cores; much longer when shared).
set -e
cd "$(dirname "$0")"
PY=${PY:-$(cd ../.. && pwd)/.venv/bin/python}
QDATA=${QDATA:-$(cd ../.. && pwd)/artifacts/quality}; export QDATA; mkdir -p "$QDATA"
N="nice -n 15"
# 1. descriptors (Fashion-MNIST; fmap of train is 7.5 GB, optional)
$N $PY extract_features.py --split test --fmap
$N $PY extract_features.py --split train
$N $PY extract_features.py --split test --flip
$N $PY extract_features.py --split test --size 160
$N $PY extract_features.py --split test --size 320
# 2. category retrieval sweeps (2000 queries) and the final rows
for f in A_pool B_pcaw D_sup D2_sup C_qe F3; do
  $N $PY eval_class.py --queries 2000 --no-timing --tag sweep --json "$(cat configs/$f.json)"
done
# 3. shopper photos: generate, extract, evaluate
$N $PY make_shopper_photos.py --fashion-mnist test --sample 1000 --seed 7 --out $QDATA/shopper_eval
$N $PY make_shopper_photos.py --fashion-mnist train --sample 300 --seed 11 --out $QDATA/shopper_tune
$N $PY shopper_extract.py --manifest $QDATA/shopper_eval/manifest.csv --name sh_eval \
   --variants crop,fit,grey,greyfit,sal,salgrey,salc,salcgrey,salcflip,salcgreyflip,maskgrey,maskgreyns,maskgreyflip,maskcol,maskgreydsk
for f in S1 S2 S3 S4; do
  $N $PY eval_shopper.py --name sh_eval --manifest $QDATA/shopper_eval/manifest.csv --json "$(cat configs/$f.json)"
done
# 4. cost of the building blocks
$N $PY time_ops.py --forward
