namespace Orleans.Adaptive.Tests.Partitions;

public sealed class ProducerWindowTests
{
    [Fact]
    public void Window_AppliesNewSequences_AndRecognisesRepeats()
    {
        var window = default(ProducerWindow);
        Assert.Equal(SequenceCheck.New, window.Check(1));
        window = window.MarkApplied(1, DateTimeOffset.UnixEpoch);
        Assert.Equal(SequenceCheck.Duplicate, window.Check(1));

        window = window.MarkApplied(5, DateTimeOffset.UnixEpoch); // 2-4 still outstanding
        Assert.Equal(SequenceCheck.New, window.Check(3));
        window = window.MarkApplied(3, DateTimeOffset.UnixEpoch);
        Assert.Equal(SequenceCheck.Duplicate, window.Check(3));
        Assert.Equal(SequenceCheck.New, window.Check(2));
        Assert.Equal(SequenceCheck.New, window.Check(4));
        Assert.Equal(5, window.HighestSequence);
    }

    [Fact]
    public void Window_CallsSequencesBelowItsReachStale()
    {
        var window = default(ProducerWindow).MarkApplied(100, DateTimeOffset.UnixEpoch);
        Assert.Equal(SequenceCheck.New, window.Check(100 - ProducerWindow.Size + 1));
        Assert.Equal(SequenceCheck.Stale, window.Check(100 - ProducerWindow.Size));

        // A jump larger than the window forgets everything before it.
        window = window.MarkApplied(100 + ProducerWindow.Size * 3, DateTimeOffset.UnixEpoch);
        Assert.Equal(1UL, window.AppliedBits);
    }

    [Fact]
    public void Window_NeverAppliesASequenceTwice_WhateverTheArrivalOrder()
    {
        // Property: any interleaving of first sends and retries, with the producer keeping its sequences within the
        // window (as SendWindow does), applies every sequence exactly once.
        for (var seed = 0; seed < 200; seed++)
        {
            var random = new Random(seed);
            var total = random.Next(1, 400);
            var arrivals = new List<long>();
            for (long start = 1; start <= total; start += ProducerWindow.Size)
            {
                var block = Enumerable.Range(0, (int)Math.Min(ProducerWindow.Size, total - start + 1)).Select(i => start + i).ToList();
                var withRetries = block.Concat(block.Where(_ => random.NextDouble() < 0.3)).OrderBy(_ => random.Next()).ToList();
                arrivals.AddRange(withRetries);
            }

            var window = default(ProducerWindow);
            var applied = new HashSet<long>();
            foreach (var sequence in arrivals)
            {
                var check = window.Check(sequence);
                Assert.NotEqual(SequenceCheck.Stale, check);
                if (check == SequenceCheck.New)
                {
                    Assert.True(applied.Add(sequence), $"seed {seed}: sequence {sequence} applied twice");
                    window = window.MarkApplied(sequence, DateTimeOffset.UnixEpoch);
                }
                else
                {
                    Assert.Contains(sequence, applied);
                }
            }

            Assert.Equal(total, applied.Count);
        }
    }
}
