using Orleans.Adaptive.Learning.Placement;

namespace Orleans.Adaptive.Tests.Learning.Placement;

public sealed class HeadroomTableTests
{
    [Fact]
    public void ABurstOfPlacements_SpreadsInsteadOfHerdingOntoTheEmptiestSilo()
    {
        // Silo 0 looks best in the view (empty); a greedy director would put the whole burst there.
        var table = new HeadroomTable([0, 300, 300, 300], [1000, 1000, 1000, 1000], [true, true, true, true], loadPerPlacement: 5);
        var placed = PlaceBurst(table, 400, seed: 1);

        // Projected utilizations even out: silo 0 fills up to the others' level, then all grow together.
        Assert.InRange(placed[0], 100, 200);
        Assert.All(placed.Skip(1), count => Assert.InRange(count, 45, 130));
    }

    [Fact]
    public void WithNoLoadYet_PlacementsFollowCapacity()
    {
        var table = new HeadroomTable([0, 0, 0, 0], [1000, 1000, 1000, 500], [true, true, true, true], loadPerPlacement: 1);
        var placed = PlaceBurst(table, 700, seed: 2);
        var weakShare = placed[3] / 700.0;
        Assert.InRange(weakShare, 0.10, 0.18); // 500 of 3500 capacity = 14%
    }

    [Fact]
    public void IneligibleSilos_AreNeverChosen()
    {
        var table = new HeadroomTable([900, 0, 0], [1000, 1000, 1000], [true, false, false], loadPerPlacement: 1);
        Assert.Equal(0, table.ChooseBest([1, 2, 0]));
        Assert.Equal(-1, table.ChooseBest([1, 2]));
        Assert.Equal(1, table.EligibleCount);
    }

    [Fact]
    public void RejectsUnusableInput()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new HeadroomTable([0], [0], [true], 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new HeadroomTable([double.NaN], [1], [true], 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new HeadroomTable([0], [1], [true], 0));
        Assert.Throws<ArgumentException>(() => new HeadroomTable([0, 1], [1], [true], 1));
    }

    internal static int[] PlaceBurst(HeadroomTable table, int count, int seed)
    {
        var random = new Random(seed);
        var placed = new int[table.Count];
        Span<int> candidates = stackalloc int[2];
        for (var i = 0; i < count; i++)
        {
            candidates[0] = random.Next(table.Count);
            candidates[1] = random.Next(table.Count);
            var chosen = table.ChooseBest(candidates);
            table.RecordPlacement(chosen);
            placed[chosen]++;
        }

        return placed;
    }
}
