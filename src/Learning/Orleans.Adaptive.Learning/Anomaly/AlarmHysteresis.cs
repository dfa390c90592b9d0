namespace Orleans.Adaptive.Learning.Anomaly;

/// <summary>
/// Hysteresis on a score stream: the alarm goes on after <see cref="EnterCount"/> of the last
/// <see cref="EnterWindow"/> scores reach <see cref="EnterThreshold"/>, and off only after <see cref="ExitCount"/>
/// consecutive scores below <see cref="ExitThreshold"/>. One odd reading neither raises nor clears an alarm.
/// </summary>
public sealed class AlarmHysteresis
{
    private readonly bool[] _recent;
    private int _next;
    private int _highs;
    private int _calm;

    /// <summary>Creates the hysteresis.</summary>
    public AlarmHysteresis(double enterThreshold, int enterCount, int enterWindow, double exitThreshold, int exitCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(enterWindow, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(enterCount, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(enterCount, enterWindow);
        ArgumentOutOfRangeException.ThrowIfLessThan(exitCount, 1);
        if (exitThreshold > enterThreshold)
        {
            throw new ArgumentOutOfRangeException(nameof(exitThreshold), exitThreshold, "The exit threshold must not be above the entry threshold.");
        }

        EnterThreshold = enterThreshold;
        EnterCount = enterCount;
        EnterWindow = enterWindow;
        ExitThreshold = exitThreshold;
        ExitCount = exitCount;
        _recent = new bool[enterWindow];
    }

    /// <summary>The score that counts towards raising the alarm.</summary>
    public double EnterThreshold { get; }

    /// <summary>High scores needed within <see cref="EnterWindow"/> (k of n).</summary>
    public int EnterCount { get; }

    /// <summary>The window the high scores are counted in.</summary>
    public int EnterWindow { get; }

    /// <summary>The score below which a reading counts as calm.</summary>
    public double ExitThreshold { get; }

    /// <summary>Consecutive calm readings that clear the alarm.</summary>
    public int ExitCount { get; }

    /// <summary>Whether the alarm is on.</summary>
    public bool IsOn { get; private set; }

    /// <summary>Feeds one score; returns true when this score switched the alarm on.</summary>
    public bool Add(double score)
    {
        var high = score >= EnterThreshold;
        if (_recent[_next])
        {
            _highs--;
        }

        _recent[_next] = high;
        if (high)
        {
            _highs++;
        }

        _next = (_next + 1) % _recent.Length;
        if (IsOn)
        {
            _calm = score < ExitThreshold ? _calm + 1 : 0;
            if (_calm >= ExitCount)
            {
                IsOn = false;
                _calm = 0;
                Array.Clear(_recent);
                _highs = 0;
            }

            return false;
        }

        if (_highs >= EnterCount)
        {
            IsOn = true;
            _calm = 0;
            return true;
        }

        return false;
    }
}
