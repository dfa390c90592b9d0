using Orleans.Adaptive.Learning.Numerics;

namespace Orleans.Adaptive.Learning.Anomaly;

/// <summary>
/// Turns raw anomaly scores into the probability that recent scores are unusually high for this stream, after
/// Numenta's anomaly likelihood (Ahmad et al., Neurocomputing 2017).
/// </summary>
/// <remarks>
/// The mean and spread of the short moving average of raw scores are estimated over a long history of raw scores
/// (refreshed every <see cref="ReestimateEvery"/> rows). The likelihood is 1 − Q((shortAverage − μ) / σ), Q being the
/// normal upper tail; it is reported on a log scale, <c>ln(1 − L) / ln(10⁻¹⁰)</c>, so 0.5 means L = 1 − 10⁻⁵ and 1 means
/// L ≥ 1 − 10⁻¹⁰. A detector whose raw scores are always high for one stream therefore does not cry wolf: only a
/// change in its scores counts.
/// </remarks>
public sealed class AnomalyLikelihood
{
    /// <summary>Rows between re-estimations of the score distribution.</summary>
    public const int ReestimateEvery = 100;

    private readonly Features.RollingWindow _history;
    private readonly Features.RollingWindow _recent;
    private double _mean = double.NaN;
    private double _sigma = double.NaN;
    private int _sinceEstimate;

    /// <summary>Creates the calibrator.</summary>
    /// <param name="historyLength">Short averages the distribution is estimated from.</param>
    /// <param name="shortWindow">Raw scores averaged into each short average.</param>
    /// <param name="robust">Estimate the distribution by median and MAD (see <see cref="Robust"/>).</param>
    public AnomalyLikelihood(int historyLength = 2000, int shortWindow = 10, bool robust = false)
    {
        Robust = robust;
        ArgumentOutOfRangeException.ThrowIfLessThan(historyLength, 10);
        ArgumentOutOfRangeException.ThrowIfLessThan(shortWindow, 1);
        _history = new Features.RollingWindow(historyLength);
        _recent = new Features.RollingWindow(shortWindow);
    }

    /// <summary>
    /// Whether the distribution is estimated by median and MAD instead of mean and standard deviation, so that earlier
    /// anomalies in the history do not inflate the spread and mask later ones.
    /// </summary>
    public bool Robust { get; }

    /// <summary>Whether enough scores were seen to estimate the distribution.</summary>
    public bool IsReady => double.IsFinite(_mean);

    /// <summary>Adds a raw score; returns the log-scale likelihood in [0, 1] (0 until ready).</summary>
    public double Add(double rawScore)
    {
        if (!double.IsFinite(rawScore))
        {
            return 0;
        }

        _recent.Add(rawScore);
        var average = _recent.Mean;
        _history.Add(average);
        if (!IsReady ? _history.Count >= Math.Min(_history.Capacity, 100) : ++_sinceEstimate >= ReestimateEvery)
        {
            Estimate();
        }

        if (!IsReady)
        {
            return 0;
        }

        var likelihood = 1 - Descriptive.NormalTail((average - _mean) / _sigma);
        return Math.Clamp(Math.Log(1.0000000001 - likelihood) / Math.Log(1e-10), 0, 1);
    }

    /// <summary>
    /// Starts over from <paramref name="rawScores"/> (oldest first): what a detector does when it retrains, since a
    /// new model's raw scores are not on the old one's scale.
    /// </summary>
    public void Reset(IEnumerable<double> rawScores)
    {
        ArgumentNullException.ThrowIfNull(rawScores);
        _history.Clear();
        _recent.Clear();
        _mean = _sigma = double.NaN;
        foreach (var raw in rawScores)
        {
            if (double.IsFinite(raw))
            {
                _recent.Add(raw);
                _history.Add(_recent.Mean);
            }
        }

        if (_history.Count >= Math.Min(_history.Capacity, 100))
        {
            Estimate();
        }
    }

    private void Estimate()
    {
        _sinceEstimate = 0;
        var values = new double[_history.Count];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = _history[i];
        }

        _mean = Robust ? Descriptive.Median(values) : Descriptive.Mean(values);
        var sigma = Robust ? Descriptive.MadSigma(values) : Descriptive.StandardDeviation(values);

        // A floor on σ (relative to the mean, as Numenta's lower bound) so a stream of near-constant scores does not
        // turn a tiny wobble into certainty.
        _sigma = Math.Max(double.IsFinite(sigma) ? sigma : 0, Math.Max(Math.Abs(_mean) * 0.01, 1e-6));
    }
}
