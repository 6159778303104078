#!/usr/bin/python3
"""The reference job in PyTorch (Python), written as the course writes it: nn.Sequential, DataLoader-free
mini-batches of a shuffled permutation, Adam, MSE. Prints one JSON line: train_seconds, rmse.

  pytorch_reference.py TRAIN.csv TEST.csv TARGET OUT_DIR [--seed S] [--epochs E] [--threads T]
"""
import os
import time

import torch

from common import load_reference_job, reference_job_arguments, report, rmse


def main():
    parser = reference_job_arguments()
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    data, to_dollars = load_reference_job(args.train, args.test, args.target)
    x = torch.from_numpy(data["x_train"])
    y = torch.from_numpy(data["y_train"]).unsqueeze(1)
    model = torch.nn.Sequential(
        torch.nn.Linear(x.shape[1], 50), torch.nn.ReLU(),
        torch.nn.Linear(50, 100), torch.nn.ReLU(),
        torch.nn.Linear(100, 50), torch.nn.ReLU(),
        torch.nn.Linear(50, 1))
    for layer in model:
        if isinstance(layer, torch.nn.Linear):
            torch.nn.init.xavier_uniform_(layer.weight)
            torch.nn.init.zeros_(layer.bias)
    optimizer = torch.optim.Adam(model.parameters(), lr=0.001)
    loss_function = torch.nn.MSELoss()
    started = time.perf_counter()
    for _ in range(args.epochs):
        order = torch.randperm(x.shape[0])
        for first in range(0, x.shape[0], args.batch_size):
            index = order[first:first + args.batch_size]
            optimizer.zero_grad()
            loss = loss_function(model(x[index]), y[index])
            loss.backward()
            optimizer.step()
        with torch.no_grad():  # per-epoch train and test loss, as vgsales reports them
            loss_function(model(x), y).item()
            model(torch.from_numpy(data["x_test"]))
    train_seconds = time.perf_counter() - started
    with torch.no_grad():
        predicted = to_dollars(model(torch.from_numpy(data["x_test"])).numpy())
    os.makedirs(args.out, exist_ok=True)
    torch.save(model.state_dict(), os.path.join(args.out, "model.pt"))
    report(train_seconds=train_seconds, rmse=rmse(predicted, data["y_test"]))


if __name__ == "__main__":
    main()
