namespace ClusterTune.Search.Internal;

/// <summary>Eigen-decomposition of a small symmetric matrix by cyclic Jacobi rotations (CMA-ES's covariance, n ≤ ~50).</summary>
internal static class SymmetricEigen
{
    /// <summary>Returns eigenvalues and the eigenvectors as columns of <c>vectors</c> (a = V·diag(values)·Vᵀ).</summary>
    public static (double[] Values, double[,] Vectors) Decompose(double[,] a)
    {
        var n = a.GetLength(0);
        var m = (double[,])a.Clone();
        var v = new double[n, n];
        for (var i = 0; i < n; i++)
        {
            v[i, i] = 1;
        }

        for (var sweep = 0; sweep < 100; sweep++)
        {
            var off = 0.0;
            var diag = 0.0;
            for (var i = 0; i < n; i++)
            {
                diag += m[i, i] * m[i, i];
                for (var j = i + 1; j < n; j++)
                {
                    off += m[i, j] * m[i, j];
                }
            }

            if (off <= 1e-30 * Math.Max(diag, 1e-300))
            {
                break;
            }

            for (var p = 0; p < n; p++)
            {
                for (var q = p + 1; q < n; q++)
                {
                    if (Math.Abs(m[p, q]) < 1e-300)
                    {
                        continue;
                    }

                    var theta = (m[q, q] - m[p, p]) / (2 * m[p, q]);
                    var t = Math.Sign(theta) / (Math.Abs(theta) + Math.Sqrt((theta * theta) + 1));
                    if (theta == 0)
                    {
                        t = 1;
                    }

                    var c = 1 / Math.Sqrt((t * t) + 1);
                    var s = t * c;
                    for (var k = 0; k < n; k++)
                    {
                        var mkp = m[k, p];
                        var mkq = m[k, q];
                        m[k, p] = (c * mkp) - (s * mkq);
                        m[k, q] = (s * mkp) + (c * mkq);
                    }

                    for (var k = 0; k < n; k++)
                    {
                        var mpk = m[p, k];
                        var mqk = m[q, k];
                        m[p, k] = (c * mpk) - (s * mqk);
                        m[q, k] = (s * mpk) + (c * mqk);
                    }

                    for (var k = 0; k < n; k++)
                    {
                        var vkp = v[k, p];
                        var vkq = v[k, q];
                        v[k, p] = (c * vkp) - (s * vkq);
                        v[k, q] = (s * vkp) + (c * vkq);
                    }
                }
            }
        }

        var values = new double[n];
        for (var i = 0; i < n; i++)
        {
            values[i] = m[i, i];
        }

        return (values, v);
    }
}
